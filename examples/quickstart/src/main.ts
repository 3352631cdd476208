import { isGatiError } from '@gati-framework/core';
import { print } from './print.js';
import { runAwsStep } from './steps/aws.js';
import { runAzureStep } from './steps/azure.js';
import { runConfigStep } from './steps/config.js';
import { runDeployStep } from './steps/deploy.js';
import { runGcpStep } from './steps/gcp.js';
import { runHardeningStep } from './steps/hardening.js';
import { runObservabilityStep } from './steps/observability.js';

/** The demo: each step lives in ./steps and prints what it did. */
async function main(): Promise<void> {
  process.stdout.write('Gati quickstart — against the local emulators\n');
  await runConfigStep(print);
  await runHardeningStep(print);
  await runDeployStep(print);
  await runAwsStep(print);
  await runGcpStep(print);
  await runAzureStep(print);
  await runObservabilityStep(print);
  process.stdout.write('\nDone.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`\nquickstart failed: ${isGatiError(error) ? `[${error.code}] ` : ''}${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

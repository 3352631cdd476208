import { rmSync } from 'node:fs';
import { GcpEmulator, gcloudEnv, prepareGcloudConfig } from '@gati-framework/cloud-emulator/gcp';
import type { Printer } from '../print.js';
import { applyEnv, demoCluster, runCloudChain } from './cloud-chain.js';

/**
 * The GCP chain, configured only through the lines gcloud reads (CLOUDSDK_API_ENDPOINT_OVERRIDES_*,
 * CLOUDSDK_AUTH_ACCESS_TOKEN, CLOUDSDK_CORE_PROJECT): those of a `gati-emulator --env-file` the
 * user sourced, or else of an in-process GCP emulator, set here exactly as that file would.
 * Set GATI_QUICKSTART_REAL_GCP=1 (with CLOUDSDK_CORE_PROJECT and ADC) to run it against a real project: it creates billable resources.
 */
export async function runGcpStep(print: Printer): Promise<void> {
  await runCloudChain(print, {
    cloud: 'gcp',
    label: 'GCP',
    product: 'GKE',
    realFlag: 'GATI_QUICKSTART_REAL_GCP',
    emulatorVariable: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER',
    providerOptions: { region: process.env['CLOUDSDK_COMPUTE_REGION'] ?? 'europe-west1' },
    realTimeoutMs: 45 * 60_000,
    cluster: demoCluster('1.33', 'e2-standard-4', 'c3-standard-4'),
    loadBalancer: { name: 'shop-web-lb', namespace: 'shop', type: 'network', selector: { app: 'shop-web' }, port: 80, targetPort: 8080 },
    words: { token: 'an in-process access token', loadBalancer: 'passthrough Network Load Balancer (cloud.google.com/l4-rbs)', secrets: 'Secret Manager (CRC32C checked)', deleted: 'node pools, cluster, router, subnetwork and VPC network' },
    async startEmulator(print) {
      const emulator = await GcpEmulator.start({ timings: { clusterCreateMs: 300, clusterDeleteMs: 200, nodePoolCreateMs: 200, nodePoolDeleteMs: 100 } });
      const configDir = prepareGcloudConfig();
      const restore = applyEnv(gcloudEnv(emulator.endpoint, emulator.project, emulator.accessToken, configDir));
      print.line(`GCP emulator at ${emulator.endpoint} (project ${emulator.project}); the provider reads only the CLOUDSDK_* lines; every GKE cluster gets its own Kubernetes API`);
      return {
        providerOptions: {},
        inventory: () => emulator.inventory(),
        close: async () => {
          restore();
          rmSync(configDir, { recursive: true, force: true });
          await emulator.close();
        },
      };
    },
  });
}

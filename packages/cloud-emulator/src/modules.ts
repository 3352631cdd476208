import type { EmulatorModule } from './common/module.js';
import { awsEmulatorModule } from './aws/module.js';
import { azureEmulatorModule } from './azure/module.js';
import { gcpEmulatorModule } from './gcp/module.js';
import { kubernetesEmulatorModule } from './kubernetes/module.js';

/**
 * Every emulator the `gati-emulator` command can start, in start order. A cloud is added by
 * adding its module here (each module imports its implementation only when started).
 */
export const EMULATOR_MODULES: readonly EmulatorModule[] = [kubernetesEmulatorModule, awsEmulatorModule, gcpEmulatorModule, azureEmulatorModule];

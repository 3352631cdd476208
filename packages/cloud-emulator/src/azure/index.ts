export { AzureEmulator, type AzureEmulatorOptions, type AzureInventory } from './server.js';
export { DEFAULT_AZURE_TIMINGS, type AzureTimings } from './state.js';
export { AKS_SERVER_APP_ID } from './tokens.js';
export { KUBELOGIN_CLIENT_ID } from './kubeconfig.js';
export { MAX_SECRET_VALUE_BYTES } from './secret-store.js';
export { quotaMessage, renderAzureFault, type AzureFaultTarget } from './faults.js';
export { AzureApiError } from './wire.js';
export { FaultInjector, type FaultDecision, type FaultOptions, type FaultRule } from '../common/faults.js';
export { azureEmulatorModule } from './module.js';

export { AwsEmulator, type AwsEmulatorOptions, type AwsInventory, type AwsRequestLogEntry } from './server.js';
export { DEFAULT_EMULATOR_CREDENTIALS } from './credentials.js';
export { FaultInjector, type FaultDecision, type FaultOptions, type FaultRule } from '../common/faults.js';
export { renderAwsFault, type AwsFaultTarget, type AwsService } from './faults.js';
export { DEFAULT_TIMINGS, type AwsTimings, type EksClusterBackend } from './context.js';
export { verifySigV4, type EmulatorCredential, type SignatureCheck, type SignedRequestParts } from './sigv4.js';
export { EKS_TOKEN_LIFETIME_MS, verifyEksToken, type EksTokenCheck } from './token.js';
export { elbHostnameAddress, KubernetesClusterBackend, type KubernetesBackendOptions } from './kubernetes-backend.js';
export { awsEmulatorModule } from './module.js';

export { GcpEmulator, type GcpEmulatorOptions } from './server.js';
export { DEFAULT_GKE_TIMINGS, GkeService, type GkeTimings } from './gke.js';
export { renderGcpFault, type GcpFaultTarget } from './faults.js';
export { GoogleApiError, GOOGLE_STATUS, type GoogleStatus } from './wire.js';
export { gcloudEnv, gcpEmulatorModule, prepareGcloudConfig } from './module.js';
export { FaultInjector, type FaultDecision, type FaultOptions, type FaultRule } from '../common/faults.js';

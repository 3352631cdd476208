export { GcpEmulator, type GcpEmulatorOptions, type GcpInventory } from './server.js';
export { DEFAULT_GKE_TIMINGS, GkeService, type GkeTimings } from './gke.js';
export { ComputeService } from './compute.js';
export { renderGcpFault, type GcpFaultTarget } from './faults.js';
export { GoogleApiError, GOOGLE_STATUS, computeError, type GoogleStatus } from './wire.js';
export { gcloudEnv, gcpEmulatorModule, prepareGcloudConfig } from './module.js';
export { googleAuthClient } from './test-auth.js';
export { FaultInjector, type FaultDecision, type FaultOptions, type FaultRule } from '../common/faults.js';

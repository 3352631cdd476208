export { bearerToken, staticTokenVerifier, type Identity, type TokenVerifier } from './common/auth.js';
export { createCertificateAuthority, type CertificateAuthority, type CertificateAuthorityOptions, type CertificatePair } from './common/certificates.js';
export { formatEnvLines, shellQuote } from './common/env-file.js';
export {
  FaultInjector,
  type FaultDecision,
  type FaultKind,
  type FaultOptions,
  type FaultRenderer,
  type FaultRule,
  type InjectedCounts,
  type InjectedFault,
  type NeutralFaultName,
} from './common/faults.js';
export { readBody, sendJson } from './common/http.js';
export { startHttpsEmulatorServer, type HttpsEmulatorServer, type HttpsEmulatorServerOptions, type RequestHandler } from './common/https-server.js';
export { intFlag, intFlags, type EmulatorContext, type EmulatorEndpoint, type EmulatorModule, type RunningEmulator, type WrittenFiles } from './common/module.js';
export { RequestLog, type RequestLogEntry, type RequestLogFilter } from './common/request-log.js';
export { startEmulatorServer, type EmulatorServer, type EmulatorServerOptions, type RequestContext, type ShellContext, type ShellHandler } from './common/server.js';
export { StateClock, type LifecycleState, type StateClockOptions } from './common/state-clock.js';
export { resolveDelays, TimerGroup } from './common/timers.js';
export {
  DEFAULT_FAILURE_MODES,
  DEFAULT_KUBERNETES_DELAYS,
  type FailureModes,
  type KubernetesDelays,
  type LoadBalancerAddress,
} from './kubernetes/cluster-context.js';
export {
  ipLoadBalancerAddress,
  KubernetesApiPool,
  type ClusterLoadBalancerAddress,
  type ClusterTokenVerifier,
  type KubernetesApiPoolOptions,
} from './kubernetes/cluster-pool.js';
export { startKubernetesEmulator, type KubernetesEmulator, type KubernetesEmulatorOptions } from './kubernetes/emulator.js';
export { kubernetesEmulatorModule } from './kubernetes/module.js';
export { EMULATOR_MODULES } from './modules.js';

export { bearerToken, staticTokenVerifier, type Identity, type TokenVerifier } from './common/auth.js';
export { createCertificateAuthority, type CertificateAuthority, type CertificateAuthorityOptions, type CertificatePair } from './common/certificates.js';
export { readBody, sendJson } from './common/http.js';
export {
  startHttpsEmulatorServer,
  type HttpsEmulatorServer,
  type HttpsEmulatorServerOptions,
  type RequestContext,
  type RequestHandler,
} from './common/https-server.js';
export type { EmulatorContext, EmulatorEndpoint, EmulatorModule, RunningEmulator } from './common/module.js';
export { RequestLog, type RequestLogEntry, type RequestLogFilter } from './common/request-log.js';
export { resolveDelays, TimerGroup } from './common/timers.js';
export {
  DEFAULT_FAILURE_MODES,
  DEFAULT_KUBERNETES_DELAYS,
  type FailureModes,
  type KubernetesDelays,
  type LoadBalancerAddress,
} from './kubernetes/cluster-context.js';
export { startKubernetesEmulator, type KubernetesEmulator, type KubernetesEmulatorOptions } from './kubernetes/emulator.js';
export { kubernetesEmulatorModule } from './kubernetes/module.js';

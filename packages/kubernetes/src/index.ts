export {
  KubeClient,
  type ApplyOptions,
  type ApplyResult,
  type DeleteOptions,
  type KubeClientOptions,
  type RollbackResult,
  type RolloutResult,
  type RolloutStatusOptions,
} from './client/kube-client.js';
export type { KubeObject, ListRef, ObjectRef } from './client/types.js';
export type { WaitCheck, WaitForOptions, WaitPredicate } from './client/wait-for.js';
export {
  deploymentRolloutVerdict,
  detectPodFailure,
  FATAL_WAITING_REASONS,
  REVISION_ANNOTATION,
  type PodFailure,
  type RolloutVerdict,
} from './rollout/rollout-status.js';
export { planRollback } from './rollout/rollback.js';
export type { IngressLoadBalancerSettings, LoadBalancerAnnotations, ServiceLoadBalancerSettings } from './load-balancer/annotations.js';
export {
  createLoadBalancer,
  deleteAllLoadBalancers,
  deleteLoadBalancer,
  type CreateLoadBalancerOptions,
  type KubeClientFactory,
  type LoadBalancerOptions,
} from './load-balancer/load-balancer.js';
export { kubernetesLoadBalancing, type ProviderLoadBalancingOptions } from './load-balancer/provider-load-balancing.js';
export { LOAD_BALANCER_LABEL, loadBalancerBackendService, loadBalancerIngress, loadBalancerObjects, loadBalancerService } from './load-balancer/manifests.js';

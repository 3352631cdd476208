import type { KubeObject } from '@gati-framework/kubernetes';

/** A Kubernetes object as plain JSON (what `kubectl apply` and server-side apply take): the kubernetes package's `KubeObject`. */
export type KubernetesObject = KubeObject;

/** Every object generated for one service. `list` is in apply order. */
export interface GeneratedManifests {
  deployment: KubernetesObject;
  service: KubernetesObject;
  podDisruptionBudget?: KubernetesObject;
  horizontalPodAutoscaler?: KubernetesObject;
  ingress?: KubernetesObject;
  /** In apply order: Service, Deployment, PodDisruptionBudget, HorizontalPodAutoscaler, Ingress. */
  list: KubernetesObject[];
}

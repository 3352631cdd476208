/** A Kubernetes object as plain JSON (what `kubectl apply` and server-side apply take). */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

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

/** Kubernetes `autoscaling/v2` shapes, as plain TypeScript types. */

export type MetricTarget =
  | { type: 'Utilization'; averageUtilization: number }
  | { type: 'AverageValue'; averageValue: string }
  | { type: 'Value'; value: string };

export interface MetricIdentifier {
  name: string;
  selector?: { matchLabels?: Record<string, string> };
}

export type MetricSpec =
  | { type: 'Resource'; resource: { name: 'cpu' | 'memory'; target: MetricTarget } }
  | { type: 'Pods'; pods: { metric: MetricIdentifier; target: MetricTarget } }
  | { type: 'Object'; object: { describedObject: { apiVersion: string; kind: string; name: string }; metric: MetricIdentifier; target: MetricTarget } }
  | { type: 'External'; external: { metric: MetricIdentifier; target: MetricTarget } };

export interface HPAScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HPAScalingPolicy[];
}

export interface HPABehavior {
  scaleUp?: HPAScalingRules;
  scaleDown?: HPAScalingRules;
}

/** The part of an HPA spec the algorithm needs. */
export interface HPASpec {
  minReplicas: number;
  maxReplicas: number;
  metrics: MetricSpec[];
  behavior?: HPABehavior;
}

/** The autoscaling/v2 HorizontalPodAutoscaler object. */
export interface HorizontalPodAutoscalerManifest {
  apiVersion: 'autoscaling/v2';
  kind: 'HorizontalPodAutoscaler';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: HPASpec & { scaleTargetRef: { apiVersion: string; kind: string; name: string } };
}

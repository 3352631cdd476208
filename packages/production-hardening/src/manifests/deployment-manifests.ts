import { parseConfig } from '@gati-framework/core';
import { DeploymentConfigSchema, type DeploymentConfig, type DeploymentConfigInput } from '../validation/deployment-config.js';
import { generateHPAManifest } from '../scaling/hpa-manifest.js';
import type { GeneratedManifests, KubernetesObject } from './types.js';

/** Label keys every generated object carries (the Kubernetes recommended labels). */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

function imageVersion(image: string): string | undefined {
  const noDigest = image.split('@')[0] ?? image;
  const colon = noDigest.indexOf(':', noDigest.lastIndexOf('/') + 1);
  const tag = colon >= 0 ? noDigest.slice(colon + 1) : undefined;
  return tag && /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}

/** The labels of a service's objects, and the (immutable) selector subset. */
export function labelsFor(config: DeploymentConfig): { labels: Record<string, string>; selector: Record<string, string> } {
  const selector = { [NAME_LABEL]: config.appName, [INSTANCE_LABEL]: `${config.appName}-${config.environment}` };
  const version = imageVersion(config.image);
  return {
    selector,
    labels: {
      ...config.labels,
      ...selector,
      ...(version ? { 'app.kubernetes.io/version': version } : {}),
      'app.kubernetes.io/managed-by': 'gati',
      'gati.dev/environment': config.environment,
    },
  };
}

function probe(p: NonNullable<NonNullable<DeploymentConfig['probes']>['liveness']>, defaults: { periodSeconds: number; failureThreshold: number; initialDelaySeconds: number }): Record<string, unknown> {
  return {
    httpGet: { path: p.path, port: p.port, scheme: 'HTTP' },
    initialDelaySeconds: p.initialDelaySeconds ?? defaults.initialDelaySeconds,
    periodSeconds: p.periodSeconds ?? defaults.periodSeconds,
    timeoutSeconds: p.timeoutSeconds ?? 2,
    failureThreshold: p.failureThreshold ?? defaults.failureThreshold,
  };
}

function resourceList(list: { cpu?: string | number; memory?: string | number } | undefined): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  if (list.cpu !== undefined) out['cpu'] = String(list.cpu);
  if (list.memory !== undefined) out['memory'] = String(list.memory);
  return Object.keys(out).length ? out : undefined;
}

function container(config: DeploymentConfig): Record<string, unknown> {
  const env: Record<string, unknown>[] = Object.entries(config.env ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
  const envFrom: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  config.secrets?.forEach((s, i) => {
    if (s.mountPath) mounts.push({ name: `secret-${i}`, mountPath: s.mountPath, readOnly: true });
    else if (s.keys) for (const [name, key] of Object.entries(s.keys)) env.push({ name, valueFrom: { secretKeyRef: { name: s.secretName, key } } });
    else envFrom.push({ secretRef: { name: s.secretName } });
  });
  if (config.security.readOnlyRootFilesystem) mounts.push({ name: 'tmp', mountPath: '/tmp' });
  const requests = resourceList(config.resources?.requests);
  const limits = resourceList(config.resources?.limits);
  const probes = config.probes;
  return {
    name: config.appName,
    image: config.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: config.networking.port, protocol: 'TCP' }],
    ...(env.length ? { env } : {}),
    ...(envFrom.length ? { envFrom } : {}),
    ...(requests || limits ? { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } } : {}),
    ...(probes?.startup ? { startupProbe: probe(probes.startup, { periodSeconds: 5, failureThreshold: 30, initialDelaySeconds: 0 }) } : {}),
    ...(probes?.readiness ? { readinessProbe: probe(probes.readiness, { periodSeconds: 5, failureThreshold: 3, initialDelaySeconds: 15 }) } : {}),
    ...(probes?.liveness ? { livenessProbe: probe(probes.liveness, { periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 30 }) } : {}),
    // Sleep before SIGTERM so endpoints and load balancers stop sending traffic first (Kubernetes ≥ 1.30).
    ...(config.shutdown.preStopSleepSeconds > 0 ? { lifecycle: { preStop: { sleep: { seconds: config.shutdown.preStopSleepSeconds } } } } : {}),
    securityContext: {
      runAsNonRoot: config.security.runAsNonRoot,
      ...(config.security.runAsNonRoot ? { runAsUser: config.security.runAsUser } : {}),
      allowPrivilegeEscalation: config.security.allowPrivilegeEscalation,
      readOnlyRootFilesystem: config.security.readOnlyRootFilesystem,
      privileged: config.security.privileged,
      capabilities: { drop: ['ALL'] },
    },
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  };
}

function podSpec(config: DeploymentConfig, selector: Record<string, string>): Record<string, unknown> {
  const { availability } = config;
  const volumes: Record<string, unknown>[] = [];
  config.secrets?.forEach((s, i) => {
    if (s.mountPath) volumes.push({ name: `secret-${i}`, secret: { secretName: s.secretName, defaultMode: 0o400 } });
  });
  if (config.security.readOnlyRootFilesystem) volumes.push({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  const term = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  const affinity =
    availability.antiAffinity === 'required'
      ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
      : availability.antiAffinity === 'preferred'
        ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } }
        : undefined;
  return {
    ...(config.kubernetes.serviceAccountName ? { serviceAccountName: config.kubernetes.serviceAccountName } : { automountServiceAccountToken: false }),
    terminationGracePeriodSeconds: config.shutdown.terminationGracePeriodSeconds,
    securityContext: {
      runAsNonRoot: config.security.runAsNonRoot,
      ...(config.security.runAsNonRoot ? { runAsUser: config.security.runAsUser, runAsGroup: config.security.runAsUser, fsGroup: config.security.runAsUser } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container(config)],
    ...(volumes.length ? { volumes } : {}),
    ...(affinity ? { affinity } : {}),
    ...(availability.topologySpread
      ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: availability.topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }] }
      : {}),
    ...(config.kubernetes.nodeSelector ? { nodeSelector: config.kubernetes.nodeSelector } : {}),
  };
}

/**
 * The Kubernetes objects of a service from its `DeploymentConfig`: Deployment (rolling update
 * with no unavailable pods, hardened security context, probes, preStop sleep, anti-affinity,
 * topology spread), Service, PodDisruptionBudget, HorizontalPodAutoscaler (autoscaling/v2,
 * from the workload policy) and Ingress. Input is parsed (defaults applied) first; it throws a
 * zod error on invalid input — validate with `ConfigValidator` beforehand.
 */
export function generateManifests(input: DeploymentConfigInput | DeploymentConfig): GeneratedManifests {
  const config = parseConfig(DeploymentConfigSchema, input, 'deployment config'); // INVALID_CONFIG, never a ZodError
  const { labels, selector } = labelsFor(config);
  const namespace = config.kubernetes.namespace;
  const meta = (name: string, extra: Record<string, string> = {}): KubernetesObject['metadata'] => ({
    name,
    namespace,
    labels,
    ...(Object.keys({ ...config.annotations, ...extra }).length ? { annotations: { ...config.annotations, ...extra } } : {}),
  });
  const autoscaling = config.autoscaling?.enabled ? config.autoscaling : undefined;

  const deployment: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(config.appName),
    spec: {
      // With an HPA the HPA owns the replica count; a static value would fight it on every apply.
      ...(autoscaling ? {} : { replicas: config.replicas }),
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      minReadySeconds: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: { metadata: { labels }, spec: podSpec(config, selector) },
    },
  };

  const service: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(config.appName),
    spec: { type: config.networking.serviceType, selector, ports: [{ name: 'http', port: config.networking.servicePort, targetPort: 'http', protocol: 'TCP' }] },
  };

  const pdbConfig = config.availability.podDisruptionBudget;
  const podDisruptionBudget: KubernetesObject | undefined = pdbConfig.enabled
    ? {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(config.appName),
        spec: {
          ...(pdbConfig.minAvailable !== undefined ? { minAvailable: pdbConfig.minAvailable } : { maxUnavailable: pdbConfig.maxUnavailable ?? 1 }),
          selector: { matchLabels: selector },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      }
    : undefined;

  const horizontalPodAutoscaler: KubernetesObject | undefined = autoscaling
    ? (generateHPAManifest({
        name: config.appName,
        namespace,
        workload: autoscaling.workload,
        ...(autoscaling.minReplicas !== undefined ? { minReplicas: autoscaling.minReplicas } : {}),
        ...(autoscaling.maxReplicas !== undefined ? { maxReplicas: autoscaling.maxReplicas } : {}),
        ...(autoscaling.targetCPUUtilization !== undefined ? { targetCPUUtilization: autoscaling.targetCPUUtilization } : {}),
        ...(autoscaling.targetMemoryUtilization !== undefined ? { targetMemoryUtilization: autoscaling.targetMemoryUtilization } : {}),
        ...(autoscaling.targetRequestsPerSecond !== undefined ? { targetRequestsPerSecond: autoscaling.targetRequestsPerSecond } : {}),
        labels,
      }) as unknown as KubernetesObject)
    : undefined;

  const ing = config.networking.ingress;
  const ingress: KubernetesObject | undefined = ing?.enabled
    ? {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: meta(config.appName, ing.annotations ?? {}),
        spec: {
          ...(ing.className ? { ingressClassName: ing.className } : {}),
          ...(ing.tls && ing.host ? { tls: [{ hosts: [ing.host], secretName: ing.tlsSecretName ?? `${config.appName}-tls` }] } : {}),
          rules: [
            {
              ...(ing.host ? { host: ing.host } : {}),
              http: { paths: [{ path: ing.path, pathType: 'Prefix', backend: { service: { name: config.appName, port: { name: 'http' } } } }] },
            },
          ],
        },
      }
    : undefined;

  const list = [service, deployment, podDisruptionBudget, horizontalPodAutoscaler, ingress].filter((o): o is KubernetesObject => o !== undefined);
  return {
    deployment,
    service,
    ...(podDisruptionBudget ? { podDisruptionBudget } : {}),
    ...(horizontalPodAutoscaler ? { horizontalPodAutoscaler } : {}),
    ...(ingress ? { ingress } : {}),
    list,
  };
}

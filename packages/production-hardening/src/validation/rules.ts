import { parseConfig, type ValidationIssue } from '@gati-framework/core';
import { POLICIES } from '../scaling/policies.js';
import { DeploymentConfigSchema, type DeploymentConfig } from './deployment-config.js';
import { cpuMillicores, memoryBytes, type Quantity } from './quantity.js';

/** Result of the cross-field rules: errors always block; warnings are for non-production stages. */
export interface RuleResult {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** True when the image is pinned: a digest, or a tag other than `latest`. */
export function isPinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  return image.slice(colon + 1) !== 'latest';
}

/**
 * Rules a schema cannot express: requests ≤ limits, min ≤ max replicas, and what production
 * needs (≥ 2 replicas, autoscaling, TLS on ingress, a pinned image, both probes, requests and a
 * memory limit). Production breaks them as errors, staging as warnings, development not at all
 * (except the rules Kubernetes itself enforces, which are errors everywhere).
 */
export function checkDeploymentRules(input: DeploymentConfig): RuleResult {
  // Parsing a parsed config changes nothing; anything else is INVALID_CONFIG, never a TypeError.
  const config = parseConfig(DeploymentConfigSchema, input, 'deployment config');
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const stage = (path: string, message: string, code: string): void => {
    if (config.environment === 'production') errors.push({ path, message: `${message} (required in production)`, code });
    else if (config.environment === 'staging') warnings.push({ path, message, code });
  };

  const req = config.resources?.requests;
  const lim = config.resources?.limits;
  for (const [kind, parse] of [['cpu', cpuMillicores], ['memory', memoryBytes]] as const) {
    const r = req?.[kind];
    const l = lim?.[kind];
    if (r !== undefined && l !== undefined && (parse(r) ?? 0) > (parse(l) ?? Infinity)) {
      errors.push({ path: `resources.requests.${kind}`, message: `request ${r} exceeds limit ${l}`, code: 'requests_exceed_limits' });
    }
  }
  for (const [where, list] of [['requests', req], ['limits', lim]] as const) {
    const mem = list?.memory;
    if (mem !== undefined && typeof mem === 'string' && /m$/.test(mem)) {
      errors.push({ path: `resources.${where}.memory`, message: `${mem} is ${mem.slice(0, -1)} thousandths of a byte; did you mean ${mem.slice(0, -1)}Mi?`, code: 'memory_millibytes' });
    } else if (mem !== undefined && (memoryBytes(mem) ?? 0) < 4 * 2 ** 20) {
      errors.push({ path: `resources.${where}.memory`, message: `${String(mem)} is less than 4Mi; no container starts with that`, code: 'memory_too_small' });
    }
    const cpu: Quantity | undefined = list?.cpu;
    if (cpu !== undefined && (cpuMillicores(cpu) ?? 0) < 1) errors.push({ path: `resources.${where}.cpu`, message: `${String(cpu)} is below 1m, the smallest CPU unit`, code: 'cpu_too_small' });
  }

  const as = config.autoscaling;
  const autoscaling = as?.enabled === true;
  if (as && autoscaling) {
    const policy = POLICIES[as.workload];
    const min = as.minReplicas ?? policy.minReplicas;
    const max = as.maxReplicas ?? policy.maxReplicas;
    if (min > max) errors.push({ path: 'autoscaling.minReplicas', message: `minReplicas ${min} is greater than maxReplicas ${max}`, code: 'min_exceeds_max' });
    if (min < 2) stage('autoscaling.minReplicas', `minReplicas ${min} leaves a single pod: one failure or rollout is an outage`, 'min_replicas');
  } else {
    stage('autoscaling', 'autoscaling is off: enable it (autoscaling.workload) so load spikes do not cause an outage', 'autoscaling_required');
    if (config.replicas < 2) stage('replicas', `replicas ${config.replicas} leaves a single point of failure; use at least 2`, 'min_replicas');
  }

  const ingress = config.networking.ingress;
  if (ingress?.enabled) {
    if (!ingress.host) errors.push({ path: 'networking.ingress.host', message: 'an enabled ingress needs a host', code: 'ingress_host_required' });
    if (!ingress.tls) stage('networking.ingress.tls', 'the ingress serves plain HTTP; set tls: true', 'tls_required');
  }
  if (!isPinnedImage(config.image)) stage('image', `image ${config.image} is not pinned: use a version tag or a digest, never latest`, 'image_not_pinned');
  if (!config.probes?.readiness) stage('probes.readiness', 'no readiness probe: traffic reaches pods before they can serve', 'readiness_probe_required');
  if (!config.probes?.liveness) stage('probes.liveness', 'no liveness probe: a hung process is never restarted', 'liveness_probe_required');
  if (!req?.cpu) stage('resources.requests.cpu', 'no CPU request: the scheduler and the HPA cannot size the pods', 'cpu_request_required');
  if (!req?.memory) stage('resources.requests.memory', 'no memory request: pods may be packed onto nodes without room', 'memory_request_required');
  if (!lim?.memory) stage('resources.limits.memory', 'no memory limit: one leaking pod can starve its node', 'memory_limit_required');

  const envNames = new Set(Object.keys(config.env ?? {}));
  config.secrets?.forEach((s, i) => {
    for (const name of Object.keys(s.keys ?? {})) {
      if (envNames.has(name)) errors.push({ path: `secrets.${i}.keys.${name}`, message: `environment variable ${name} is set both in env and from a secret`, code: 'env_conflict' });
    }
  });
  const pdb = config.availability.podDisruptionBudget;
  if (pdb.minAvailable !== undefined && pdb.maxUnavailable !== undefined) {
    errors.push({ path: 'availability.podDisruptionBudget', message: 'give minAvailable or maxUnavailable, not both', code: 'pdb_both_set' });
  }
  return { errors, warnings };
}

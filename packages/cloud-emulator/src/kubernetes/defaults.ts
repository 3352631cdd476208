import { invalid } from './api-error.js';
import { isObject, type Json, type JsonObject } from './merge.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function obj(parent: JsonObject, key: string): JsonObject {
  const v = parent[key];
  if (isObject(v)) return v;
  const fresh: JsonObject = {};
  parent[key] = fresh;
  return fresh;
}

function setDefault(o: JsonObject, key: string, value: Json): void {
  if (o[key] === undefined) o[key] = value;
}

function podSpecDefaults(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    for (const c of cs) {
      if (!isObject(c)) continue;
      const image = typeof c['image'] === 'string' ? c['image'] : '';
      const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
      setDefault(c, 'imagePullPolicy', tagged ? 'IfNotPresent' : 'Always');
      setDefault(c, 'terminationMessagePath', '/dev/termination-log');
      setDefault(c, 'terminationMessagePolicy', 'File');
      setDefault(c, 'resources', {});
      if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isObject(p)) setDefault(p, 'protocol', 'TCP');
    }
  }
}

function labelsMatch(selector: Json | undefined, labels: Json | undefined): boolean {
  if (!isObject(selector)) return false;
  const ml = isObject(selector['matchLabels']) ? selector['matchLabels'] : {};
  const l = isObject(labels) ? labels : {};
  return Object.entries(ml).every(([k, v]) => l[k] === v);
}

/** Applies the API server's defaults to an object of `kind` and validates what the emulator relies on. */
export function defaultAndValidate(kind: string, o: JsonObject, serviceIp: () => string): void {
  const m = obj(o, 'metadata');
  const name = typeof m['name'] === 'string' ? m['name'] : '';
  if (!name) throw invalid(kind, name, ['metadata.name: Required value: name or generateName is required']);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) throw invalid(kind, name, [`metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`]);
  const spec = isObject(o['spec']) ? o['spec'] : undefined;
  switch (kind) {
    case 'Deployment': {
      const s = obj(o, 'spec');
      setDefault(s, 'replicas', 1);
      setDefault(s, 'revisionHistoryLimit', 10);
      setDefault(s, 'progressDeadlineSeconds', 600);
      const strategy = obj(s, 'strategy');
      setDefault(strategy, 'type', 'RollingUpdate');
      if (strategy['type'] === 'RollingUpdate') {
        const ru = obj(strategy, 'rollingUpdate');
        setDefault(ru, 'maxSurge', '25%');
        setDefault(ru, 'maxUnavailable', '25%');
      }
      const template = obj(s, 'template');
      if (!labelsMatch(s['selector'], obj(template, 'metadata')['labels'])) {
        throw invalid(kind, name, ['spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`']);
      }
      podSpecDefaults(obj(template, 'spec'));
      if (!Array.isArray(obj(template, 'spec')['containers']) || (obj(template, 'spec')['containers'] as Json[]).length === 0) {
        throw invalid(kind, name, ['spec.template.spec.containers: Required value']);
      }
      break;
    }
    case 'ReplicaSet':
      if (spec) podSpecDefaults(obj(obj(spec, 'template'), 'spec'));
      break;
    case 'Pod':
      podSpecDefaults(obj(o, 'spec'));
      break;
    case 'Service': {
      const s = obj(o, 'spec');
      setDefault(s, 'type', 'ClusterIP');
      setDefault(s, 'sessionAffinity', 'None');
      if (s['type'] !== 'ExternalName') {
        setDefault(s, 'clusterIP', serviceIp());
        setDefault(s, 'clusterIPs', [s['clusterIP'] as string]);
        setDefault(s, 'ipFamilies', ['IPv4']);
        setDefault(s, 'ipFamilyPolicy', 'SingleStack');
        setDefault(s, 'internalTrafficPolicy', 'Cluster');
      }
      if (s['type'] === 'LoadBalancer' || s['type'] === 'NodePort') {
        setDefault(s, 'externalTrafficPolicy', 'Cluster');
        if (s['type'] === 'LoadBalancer') setDefault(s, 'allocateLoadBalancerNodePorts', true);
      }
      if (Array.isArray(s['ports'])) {
        s['ports'].forEach((p, i) => {
          if (!isObject(p)) return;
          setDefault(p, 'protocol', 'TCP');
          setDefault(p, 'targetPort', p['port'] ?? null);
          if (s['type'] === 'LoadBalancer' || s['type'] === 'NodePort') setDefault(p, 'nodePort', 30000 + ((hash(name) + i) % 2767));
        });
      }
      break;
    }
    case 'PodDisruptionBudget':
      if (spec && spec['minAvailable'] !== undefined && spec['maxUnavailable'] !== undefined) {
        throw invalid(kind, name, ['spec: Invalid value: minAvailable and maxUnavailable cannot be both set']);
      }
      break;
    case 'HorizontalPodAutoscaler': {
      const s = obj(o, 'spec');
      setDefault(s, 'minReplicas', 1);
      if (typeof s['maxReplicas'] !== 'number') throw invalid(kind, name, ['spec.maxReplicas: Required value']);
      break;
    }
    default:
      break;
  }
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

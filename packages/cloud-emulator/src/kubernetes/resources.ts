/** A resource type the emulated API server serves. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Spec changes bump `metadata.generation`. */
  hasGeneration: boolean;
  subresources?: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rt(group: string, version: string, kind: string, plural: string, o: Partial<ResourceType> = {}): ResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced: true, hasGeneration: false, ...o };
}

/** Every served resource type. */
export const RESOURCE_TYPES: ResourceType[] = [
  rt('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], subresources: ['status'] }),
  rt('', 'v1', 'Pod', 'pods', { shortNames: ['po'], subresources: ['status'] }),
  rt('', 'v1', 'Service', 'services', { shortNames: ['svc'], subresources: ['status'] }),
  rt('', 'v1', 'Endpoints', 'endpoints', { shortNames: ['ep'] }),
  rt('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  rt('', 'v1', 'Secret', 'secrets'),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  rt('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  rt('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], hasGeneration: true, subresources: ['status'] }),
  rt('apps', 'v1', 'ReplicaSet', 'replicasets', { shortNames: ['rs'], hasGeneration: true, subresources: ['status'] }),
  rt('networking.k8s.io', 'v1', 'Ingress', 'ingresses', { shortNames: ['ing'], hasGeneration: true, subresources: ['status'] }),
  rt('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', { shortNames: ['hpa'], subresources: ['status'] }),
  rt('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', { shortNames: ['pdb'], hasGeneration: true, subresources: ['status'] }),
];

export function groupVersion(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function resourceByKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}

/** `/version` */
export function versionInfo(gitVersion: string): Record<string, string> {
  const [major = '1', minor = '31'] = gitVersion.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function groups(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const t of RESOURCE_TYPES) if (t.group !== '') m.set(t.group, [...new Set([...(m.get(t.group) ?? []), t.version])]);
  return m;
}

/** `/api` */
export function coreApiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** `/apis` */
export function apiGroupList(): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups()].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** `/apis/<group>` */
export function apiGroup(name: string): unknown {
  const versions = groups().get(name);
  if (!versions) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  };
}

/** `/api/v1`, `/apis/<group>/<version>` */
export function apiResourceList(group: string, version: string): unknown {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(['Deployment', 'ReplicaSet', 'Pod', 'Service'].includes(t.kind) ? { categories: ['all'] } : {}),
    });
    for (const sub of t.subresources ?? []) {
      resources.push({ name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

/**
 * `/openapi/v3`: just enough for kubectl to learn that PATCH accepts `fieldValidation`
 * (then it validates on the server instead of downloading full schemas).
 */
export function openApiV3Root(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of new Set(RESOURCE_TYPES.map((t) => (t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`)))) {
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=gati` };
  }
  return { paths };
}

export function openApiV3GroupVersion(gvPath: string): unknown {
  const types = RESOURCE_TYPES.filter((t) => (t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`) === gvPath);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const prefix = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
    const p = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.plural}/{name}` : `${prefix}/${t.plural}/{name}`;
    paths[p] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.0' }, paths, components: { schemas: {} } };
}

import { isPinnedImage } from '../validation/rules.js';
import type { KubernetesObject } from '../manifests/types.js';

export type Severity = 'danger' | 'warning';

/** The outcome of one check on one object. */
export interface CheckFinding {
  passed: boolean;
  message: string;
  path: string;
}

/** One readiness check: what it looks at and how to fix a failure. */
export interface ReadinessCheckDefinition {
  id: string;
  severity: Severity;
  title: string;
  remediation: string;
  run(ctx: CheckContext): CheckFinding[];
}

/** The objects of one service, indexed for the checks. */
export interface CheckContext {
  deployments: KubernetesObject[];
  pdbs: KubernetesObject[];
  hpas: KubernetesObject[];
}

type Obj = Record<string, unknown>;
const get = (o: unknown, ...keys: (string | number)[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);
const ref = (o: KubernetesObject): string => `${o.kind}/${o.metadata.name}`;

function containers(d: KubernetesObject): { c: Obj; path: string }[] {
  const list = get(d, 'spec', 'template', 'spec', 'containers');
  return Array.isArray(list) ? list.map((c, i) => ({ c: c as Obj, path: `${ref(d)}.spec.template.spec.containers[${i}]` })) : [];
}

function hpaFor(ctx: CheckContext, d: KubernetesObject): KubernetesObject | undefined {
  return ctx.hpas.find((h) => get(h, 'spec', 'scaleTargetRef', 'kind') === 'Deployment' && get(h, 'spec', 'scaleTargetRef', 'name') === d.metadata.name);
}

function perContainer(ctx: CheckContext, test: (c: Obj, pod: Obj) => boolean, field: string, ok: string, bad: string): CheckFinding[] {
  return ctx.deployments.flatMap((d) => {
    const pod = (get(d, 'spec', 'template', 'spec') ?? {}) as Obj;
    return containers(d).map(({ c, path }) => {
      const passed = test(c, pod);
      return { passed, message: `${String(c['name'])}: ${passed ? ok : bad}`, path: `${path}${field}` };
    });
  });
}

/** Effective value of a security setting: container first, then the pod's securityContext. */
const sec = (c: Obj, pod: Obj, key: string): unknown => get(c, 'securityContext', key) ?? get(pod, 'securityContext', key);

function replicasOf(ctx: CheckContext, d: KubernetesObject): number {
  const hpa = hpaFor(ctx, d);
  const min = get(hpa, 'spec', 'minReplicas');
  if (hpa) return typeof min === 'number' ? min : 1;
  const r = get(d, 'spec', 'replicas');
  return typeof r === 'number' ? r : 1;
}

function pdbBlocksEvictions(pdb: KubernetesObject, replicas: number): boolean {
  const maxU = get(pdb, 'spec', 'maxUnavailable');
  const minA = get(pdb, 'spec', 'minAvailable');
  if (maxU !== undefined) return maxU === 0 || maxU === '0%';
  if (typeof minA === 'number') return minA >= replicas;
  if (typeof minA === 'string') return minA === '100%' || Math.floor((replicas * Number.parseInt(minA, 10)) / 100) >= replicas;
  return false;
}

/** The checks, modeled on what Polaris, kube-score and kube-linter agree on. */
export const READINESS_CHECKS: ReadinessCheckDefinition[] = [
  {
    id: 'image-tag-pinned',
    severity: 'danger',
    title: 'Image tag is pinned',
    remediation: 'Deploy an immutable version tag or a digest (image: app:1.4.2 or app@sha256:...), never latest or no tag.',
    run: (ctx) => perContainer(ctx, (c) => typeof c['image'] === 'string' && isPinnedImage(c['image']), '.image', 'image is pinned', 'image is not pinned (no tag, or latest)'),
  },
  {
    id: 'resource-requests',
    severity: 'danger',
    title: 'CPU and memory requests are set',
    remediation: 'Set resources.requests.cpu and resources.requests.memory (use AutoScalingOptimizer.recommend() on observed usage).',
    run: (ctx) => perContainer(ctx, (c) => get(c, 'resources', 'requests', 'cpu') !== undefined && get(c, 'resources', 'requests', 'memory') !== undefined, '.resources.requests', 'CPU and memory requests set', 'missing CPU or memory request'),
  },
  {
    id: 'memory-limit',
    severity: 'warning',
    title: 'Memory limit is set',
    remediation: 'Set resources.limits.memory so one leaking pod cannot starve its node.',
    run: (ctx) => perContainer(ctx, (c) => get(c, 'resources', 'limits', 'memory') !== undefined, '.resources.limits.memory', 'memory limit set', 'no memory limit'),
  },
  {
    id: 'readiness-probe',
    severity: 'danger',
    title: 'Readiness probe is present',
    remediation: 'Add probes.readiness (an HTTP endpoint that fails while the pod cannot serve).',
    run: (ctx) => perContainer(ctx, (c) => c['readinessProbe'] !== undefined, '.readinessProbe', 'readiness probe present', 'no readiness probe'),
  },
  {
    id: 'liveness-probe',
    severity: 'warning',
    title: 'Liveness probe is present',
    remediation: 'Add probes.liveness (an endpoint that fails only when the process must be restarted).',
    run: (ctx) => perContainer(ctx, (c) => c['livenessProbe'] !== undefined, '.livenessProbe', 'liveness probe present', 'no liveness probe'),
  },
  {
    id: 'probes-distinct',
    severity: 'warning',
    title: 'Readiness and liveness probes differ',
    remediation: 'Point liveness at a cheap "process is alive" endpoint and readiness at "can serve"; identical probes restart pods that are merely busy.',
    run: (ctx) =>
      perContainer(ctx, (c) => !c['readinessProbe'] || !c['livenessProbe'] || JSON.stringify(get(c, 'readinessProbe', 'httpGet')) !== JSON.stringify(get(c, 'livenessProbe', 'httpGet')), '.livenessProbe', 'probes differ', 'liveness and readiness probes are identical'),
  },
  {
    id: 'replicas-min',
    severity: 'danger',
    title: 'At least 2 replicas',
    remediation: 'Run at least 2 replicas (or an HPA with minReplicas ≥ 2) so one pod failure or rollout is not an outage.',
    run: (ctx) =>
      ctx.deployments.map((d) => {
        const n = replicasOf(ctx, d);
        return { passed: n >= 2, message: `${n} replica${n === 1 ? '' : 's'}${hpaFor(ctx, d) ? ' (HPA minReplicas)' : ''}`, path: `${ref(d)}.spec.replicas` };
      }),
  },
  {
    id: 'pdb-present',
    severity: 'warning',
    title: 'A PodDisruptionBudget covers the pods',
    remediation: 'Add a PodDisruptionBudget (maxUnavailable: 1) so node drains never take every pod at once.',
    run: (ctx) => ctx.deployments.map((d) => ({ passed: ctx.pdbs.length > 0, message: ctx.pdbs.length ? 'PodDisruptionBudget present' : 'no PodDisruptionBudget', path: ref(d) })),
  },
  {
    id: 'pdb-allows-eviction',
    severity: 'danger',
    title: 'The PodDisruptionBudget does not block every eviction',
    remediation: 'Use maxUnavailable: 1 (or minAvailable below the replica count); a budget that allows no disruption blocks node drains and cluster upgrades.',
    run: (ctx) =>
      ctx.pdbs.map((p) => {
        const replicas = ctx.deployments[0] ? replicasOf(ctx, ctx.deployments[0]) : 1;
        const blocks = pdbBlocksEvictions(p, replicas);
        return { passed: !blocks, message: blocks ? `allows no voluntary eviction with ${replicas} replicas` : 'allows evictions', path: `${ref(p)}.spec` };
      }),
  },
  {
    id: 'hpa-min-replicas',
    severity: 'warning',
    title: 'HPA minReplicas ≥ 2',
    remediation: 'Set autoscaling.minReplicas to at least 2.',
    run: (ctx) => ctx.hpas.map((h) => ({ passed: Number(get(h, 'spec', 'minReplicas') ?? 1) >= 2, message: `minReplicas ${String(get(h, 'spec', 'minReplicas') ?? 1)}`, path: `${ref(h)}.spec.minReplicas` })),
  },
  {
    id: 'hpa-range',
    severity: 'danger',
    title: 'HPA maxReplicas > minReplicas',
    remediation: 'Give the HPA room to scale: maxReplicas greater than minReplicas.',
    run: (ctx) =>
      ctx.hpas.map((h) => {
        const min = Number(get(h, 'spec', 'minReplicas') ?? 1);
        const max = Number(get(h, 'spec', 'maxReplicas'));
        return { passed: max > min, message: `min ${min}, max ${max}`, path: `${ref(h)}.spec.maxReplicas` };
      }),
  },
  {
    id: 'hpa-static-replicas',
    severity: 'danger',
    title: 'No static replicas under an HPA',
    remediation: 'Remove spec.replicas from a Deployment an HPA scales; every apply would reset the HPA’s choice.',
    run: (ctx) =>
      ctx.deployments.filter((d) => hpaFor(ctx, d)).map((d) => ({ passed: get(d, 'spec', 'replicas') === undefined, message: get(d, 'spec', 'replicas') === undefined ? 'replicas left to the HPA' : 'spec.replicas is set although an HPA targets it', path: `${ref(d)}.spec.replicas` })),
  },
  {
    id: 'run-as-non-root',
    severity: 'danger',
    title: 'Runs as non-root',
    remediation: 'Set security.runAsNonRoot: true and a non-zero runAsUser; build the image with a non-root USER.',
    run: (ctx) => perContainer(ctx, (c, pod) => sec(c, pod, 'runAsNonRoot') === true && sec(c, pod, 'runAsUser') !== 0, '.securityContext.runAsNonRoot', 'runs as non-root', 'may run as root'),
  },
  {
    id: 'no-privilege-escalation',
    severity: 'danger',
    title: 'allowPrivilegeEscalation is false',
    remediation: 'Set security.allowPrivilegeEscalation: false.',
    run: (ctx) => perContainer(ctx, (c) => get(c, 'securityContext', 'allowPrivilegeEscalation') === false, '.securityContext.allowPrivilegeEscalation', 'privilege escalation disabled', 'privilege escalation allowed'),
  },
  {
    id: 'read-only-root-filesystem',
    severity: 'warning',
    title: 'Root filesystem is read-only',
    remediation: 'Set security.readOnlyRootFilesystem: true; write to the mounted /tmp emptyDir instead.',
    run: (ctx) => perContainer(ctx, (c) => get(c, 'securityContext', 'readOnlyRootFilesystem') === true, '.securityContext.readOnlyRootFilesystem', 'read-only root filesystem', 'writable root filesystem'),
  },
  {
    id: 'not-privileged',
    severity: 'danger',
    title: 'Not privileged',
    remediation: 'Set security.privileged: false; a privileged container owns its node.',
    run: (ctx) => perContainer(ctx, (c) => get(c, 'securityContext', 'privileged') !== true, '.securityContext.privileged', 'not privileged', 'privileged container'),
  },
  {
    id: 'spread-across-nodes',
    severity: 'warning',
    title: 'Pod anti-affinity or topology spread',
    remediation: 'Keep availability.antiAffinity at preferred (or required) or topologySpread on, so replicas do not share a node or zone.',
    run: (ctx) =>
      ctx.deployments.map((d) => {
        const spec = get(d, 'spec', 'template', 'spec');
        const ok = get(spec, 'affinity', 'podAntiAffinity') !== undefined || (Array.isArray(get(spec, 'topologySpreadConstraints')) && (get(spec, 'topologySpreadConstraints') as unknown[]).length > 0);
        return { passed: ok, message: ok ? 'replicas are spread' : 'nothing spreads the replicas over nodes or zones', path: `${ref(d)}.spec.template.spec.affinity` };
      }),
  },
  {
    id: 'graceful-shutdown',
    severity: 'warning',
    title: 'preStop hook and termination grace period',
    remediation: 'Keep shutdown.preStopSleepSeconds (5) so endpoints drain before SIGTERM, and a terminationGracePeriodSeconds longer than it plus your drain time.',
    run: (ctx) =>
      ctx.deployments.flatMap((d) => {
        const grace = Number(get(d, 'spec', 'template', 'spec', 'terminationGracePeriodSeconds') ?? 30);
        return containers(d).map(({ c, path }) => {
          const pre = get(c, 'lifecycle', 'preStop');
          const sleep = Number(get(pre, 'sleep', 'seconds') ?? 0);
          const ok = pre !== undefined && grace > sleep;
          return { passed: ok, message: pre === undefined ? 'no preStop hook' : grace > sleep ? `preStop ${sleep}s within a ${grace}s grace period` : `grace period ${grace}s does not outlast the ${sleep}s preStop sleep`, path: `${path}.lifecycle.preStop` };
        });
      }),
  },
];

/**
 * Fault injection shared by the cloud emulators, in cloud-neutral terms: seeded random
 * throttling, server errors and lost responses, added latency, and targeted rules
 * (permission denied, quota, any of the above, or a cloud's own error code) matched against
 * the operation name (`service:Action`, e.g. `eks:CreateCluster`). The injector only decides;
 * each cloud module renders a decision into its wire shape with a {@link FaultRenderer}.
 */

/** Settings of the fault injector; every rate is a probability in [0, 1]. */
export interface FaultOptions {
  /** Seed of the pseudo-random sequence, so a failing run can be replayed. Default 1. */
  seed?: number;
  /** Share of requests answered with the service's throttling error. Default 0. */
  throttleRate?: number;
  /** Share of requests answered with a 5xx before doing anything. Default 0. */
  serverErrorRate?: number;
  /**
   * Share of mutating requests that are carried out and then answered with a 5xx,
   * as when a response is lost: the client cannot tell whether it happened. Default 0.
   */
  lostResponseRate?: number;
  /** Added latency per request, uniformly drawn from [min, max] ms. Default none. */
  latencyMs?: { min: number; max: number };
  /** Only requests whose `service:Action` (e.g. `eks:CreateCluster`) matches get random faults. Default all. */
  only?: RegExp;
}

/**
 * The neutral names a rule's `error` accepts. `AccessDenied` and `Throttling` are the
 * historical (AWS-flavoured) spellings of `PermissionDenied` and `Throttle`.
 */
export type NeutralFaultName = 'PermissionDenied' | 'AccessDenied' | 'Quota' | 'Throttle' | 'Throttling' | 'ServerError' | 'LostResponse';

/** A targeted fault: the next matching requests fail with the given error. */
export interface FaultRule {
  /** Matches `service:Action`, e.g. /^iam:/ or /eks:CreateNodegroup/. */
  match: RegExp;
  /**
   * A neutral fault ({@link NeutralFaultName}), rendered by the cloud module in its own wire
   * shape, or any other error code of the cloud (answered with HTTP 400 unless `status` is given).
   */
  error: NeutralFaultName | (string & {});
  status?: number;
  message?: string;
  /** How many requests it applies to. Default unlimited. */
  times?: number;
}

/** The cloud-neutral kinds of injected fault (latency is applied separately, to every request). */
export type FaultKind = 'throttle' | 'server-error' | 'lost-response' | 'permission-denied' | 'quota';

/** A fault the injector chose for one request. */
export type InjectedFault =
  | { kind: 'throttle' }
  | { kind: 'server-error' }
  | { kind: 'lost-response' }
  | { kind: 'permission-denied'; message?: string }
  | { kind: 'quota'; message?: string }
  | { kind: 'custom'; code: string; status: number; message?: string };

export type FaultDecision = { kind: 'none' } | InjectedFault;

/**
 * Turns a neutral fault into a cloud's wire error (`target` says which service and
 * operation, so e.g. AWS can answer `ThrottlingException` on EKS and `Throttling` on IAM).
 * `lost-response` is rendered after the request was carried out; most clouds answer it as a server error.
 */
export type FaultRenderer<Target, WireError> = (fault: InjectedFault, target: Target) => WireError;

/** mulberry32: small, fast, good enough to spread faults reproducibly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many faults of each kind were injected. `accessDenied` counts the same faults as `permissionDenied`. */
export interface InjectedCounts {
  throttle: number;
  serverError: number;
  lostResponse: number;
  permissionDenied: number;
  accessDenied: number;
  quota: number;
  custom: number;
}

function ruleFault(rule: FaultRule): InjectedFault {
  const message = rule.message ? { message: rule.message } : {};
  switch (rule.error) {
    case 'PermissionDenied':
    case 'AccessDenied':
      return { kind: 'permission-denied', ...message };
    case 'Quota':
      return { kind: 'quota', ...message };
    case 'Throttle':
    case 'Throttling':
      return { kind: 'throttle' };
    case 'ServerError':
      return { kind: 'server-error' };
    case 'LostResponse':
      return { kind: 'lost-response' };
    default:
      return { kind: 'custom', code: rule.error, status: rule.status ?? 400, ...message };
  }
}

/** Decides, reproducibly from a seed, which requests fail and how long each takes. */
export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = mulberry32(1);
  private rules: (FaultRule & { left: number })[] = [];
  /** How many faults of each kind were injected. */
  readonly injected: InjectedCounts = { throttle: 0, serverError: 0, lostResponse: 0, permissionDenied: 0, accessDenied: 0, quota: 0, custom: 0 };

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  /** Replaces the random-fault settings and restarts the sequence from the seed. */
  configure(options: FaultOptions): void {
    this.options = { ...options };
    this.random = mulberry32(options.seed ?? 1);
  }

  /** Adds a targeted rule; returns a function that removes it. */
  addRule(rule: FaultRule): () => void {
    const entry = { ...rule, left: rule.times ?? Number.POSITIVE_INFINITY };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  /** Removes every rule and random fault (the `injected` counts are kept). */
  reset(): void {
    this.rules = [];
    this.configure({});
  }

  /** Latency to add to the next request, in ms (0 without `latencyMs`). */
  latencyMs(): number {
    const l = this.options.latencyMs;
    if (!l) return 0;
    return Math.round(l.min + this.random() * Math.max(0, l.max - l.min));
  }

  /** The fault for one request to `operation` (`service:Action`); lost responses only hit `mutating` ones. */
  decide(operation: string, mutating: boolean): FaultDecision {
    const rule = this.rules.find((r) => r.left > 0 && r.match.test(operation));
    if (rule) {
      rule.left--;
      return this.count(ruleFault(rule));
    }
    const o = this.options;
    if (o.only && !o.only.test(operation)) return { kind: 'none' };
    const r = this.random();
    const throttle = o.throttleRate ?? 0;
    const server = o.serverErrorRate ?? 0;
    if (r < throttle) return this.count({ kind: 'throttle' });
    if (r < throttle + server) return this.count({ kind: 'server-error' });
    if (mutating && this.random() < (o.lostResponseRate ?? 0)) return this.count({ kind: 'lost-response' });
    return { kind: 'none' };
  }

  private count(fault: InjectedFault): InjectedFault {
    const c = this.injected;
    switch (fault.kind) {
      case 'throttle':
        c.throttle++;
        break;
      case 'server-error':
        c.serverError++;
        break;
      case 'lost-response':
        c.lostResponse++;
        break;
      case 'permission-denied':
        c.permissionDenied++;
        c.accessDenied++;
        break;
      case 'quota':
        c.quota++;
        break;
      case 'custom':
        c.custom++;
        break;
    }
    return fault;
  }
}

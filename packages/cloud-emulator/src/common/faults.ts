/**
 * Fault injection shared by the cloud emulators: seeded random throttling, 5xx
 * and lost responses, added latency, and targeted rules by `service:Action`.
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

/** A targeted fault: the next matching requests fail with the given error. */
export interface FaultRule {
  /** Matches `service:Action`, e.g. /^iam:/ or /eks:CreateNodegroup/. */
  match: RegExp;
  /**
   * `AccessDenied`, `Throttling`, `ServerError`, `LostResponse`, or any other
   * AWS error code (answered with HTTP 400 unless `status` is given).
   */
  error: 'AccessDenied' | 'Throttling' | 'ServerError' | 'LostResponse' | (string & {});
  status?: number;
  message?: string;
  /** How many requests it applies to. Default unlimited. */
  times?: number;
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'throttle' }
  | { kind: 'server-error' }
  | { kind: 'access-denied'; message?: string }
  | { kind: 'lost-response' }
  | { kind: 'custom'; code: string; status: number; message?: string };

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

/** Decides, reproducibly from a seed, which requests fail and how long each takes. */
export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = mulberry32(1);
  private rules: (FaultRule & { left: number })[] = [];
  /** How many faults of each kind were injected. */
  readonly injected = { throttle: 0, serverError: 0, accessDenied: 0, lostResponse: 0, custom: 0 };

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

  /** Removes every rule and random fault. */
  reset(): void {
    this.rules = [];
    this.configure({});
  }

  latencyMs(): number {
    const l = this.options.latencyMs;
    if (!l) return 0;
    return Math.round(l.min + this.random() * Math.max(0, l.max - l.min));
  }

  decide(operation: string, mutating: boolean): FaultDecision {
    const rule = this.rules.find((r) => r.left > 0 && r.match.test(operation));
    if (rule) {
      rule.left--;
      switch (rule.error) {
        case 'AccessDenied':
          this.injected.accessDenied++;
          return { kind: 'access-denied', ...(rule.message ? { message: rule.message } : {}) };
        case 'Throttling':
          this.injected.throttle++;
          return { kind: 'throttle' };
        case 'ServerError':
          this.injected.serverError++;
          return { kind: 'server-error' };
        case 'LostResponse':
          this.injected.lostResponse++;
          return { kind: 'lost-response' };
        default:
          this.injected.custom++;
          return { kind: 'custom', code: rule.error, status: rule.status ?? 400, ...(rule.message ? { message: rule.message } : {}) };
      }
    }
    const o = this.options;
    if (o.only && !o.only.test(operation)) return { kind: 'none' };
    const r = this.random();
    const throttle = o.throttleRate ?? 0;
    const server = o.serverErrorRate ?? 0;
    if (r < throttle) {
      this.injected.throttle++;
      return { kind: 'throttle' };
    }
    if (r < throttle + server) {
      this.injected.serverError++;
      return { kind: 'server-error' };
    }
    if (mutating && this.random() < (o.lostResponseRate ?? 0)) {
      this.injected.lostResponse++;
      return { kind: 'lost-response' };
    }
    return { kind: 'none' };
  }
}

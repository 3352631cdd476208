export type HealthCheck = () => Promise<unknown> | unknown;

export interface CheckResult {
  status: 'ok' | 'fail';
  durationMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<string, CheckResult>;
}

interface Registered {
  check: HealthCheck;
  timeoutMs: number;
  kind: 'live' | 'ready';
}

/** Liveness and readiness with registered checks; readiness fails while shutting down. */
export class Health {
  private readonly checks = new Map<string, Registered>();
  private shuttingDown = false;

  constructor(private readonly defaultTimeoutMs: number) {}

  /** Registers a check: it passes unless it throws, rejects, returns `false`, or exceeds its timeout. */
  register(name: string, check: HealthCheck, options: { timeoutMs?: number; kind?: 'live' | 'ready' } = {}): void {
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs, kind: options.kind ?? 'ready' });
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  /** Marks the process as draining: readiness fails from now on. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async liveness(): Promise<HealthReport> {
    return this.run('live');
  }

  async readiness(): Promise<HealthReport> {
    const report = await this.run('ready');
    if (this.shuttingDown) {
      report.status = 'fail';
      report.checks['shutdown'] = { status: 'fail', durationMs: 0, error: 'shutting down' };
    }
    return report;
  }

  private async run(kind: 'live' | 'ready'): Promise<HealthReport> {
    const entries = [...this.checks].filter(([, c]) => kind === 'ready' || c.kind === 'live');
    const results = await Promise.all(entries.map(async ([name, c]) => [name, await runOne(c)] as const));
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r.status === 'ok') ? 'ok' : 'fail', checks };
  }
}

async function runOne(c: Registered): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
      timer.unref();
    });
    const value = await Promise.race([Promise.resolve().then(c.check), timeout]);
    const durationMs = Math.round(performance.now() - started);
    return value === false ? { status: 'fail', durationMs, error: 'check returned false' } : { status: 'ok', durationMs };
  } catch (error) {
    return { status: 'fail', durationMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

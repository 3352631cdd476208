const DEFAULT_SECRET_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'api_key',
  'api-key',
  'credential',
  'private_key',
  'privatekey',
  'session',
  'signature',
];

export const REDACTED = '[REDACTED]';

/** Values that look like credentials wherever they appear (bearer/basic credentials, secrets in query strings). */
const SECRET_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}|([?&](?:token|key|secret|password|sig|signature|access_token)=)[^&\s"]+/gi;
/** Cheap pre-check so ordinary strings skip the replace. */
const MAYBE_SECRET = /bearer|basic|[?&]/i;

const NEVER_SECRET = new Set(['level', 'message', 'timestamp', 'service', 'environment', 'version', 'trace_id', 'span_id', 'method', 'route', 'status_code', 'duration_ms', 'aborted']);
const MAX_CACHED_KEYS = 2000;

/** Builds a predicate for field names containing any of the (case-insensitive) secret substrings; results are cached. */
export function secretKeyPredicate(extra: readonly string[] = []): (key: string) => boolean {
  const keys = [...DEFAULT_SECRET_KEYS, ...extra.map((k) => k.toLowerCase())];
  const cache = new Map<string, boolean>();
  return (key) => {
    if (NEVER_SECRET.has(key)) return false;
    let hit = cache.get(key);
    if (hit === undefined) {
      const lower = key.toLowerCase();
      hit = keys.some((s) => lower.includes(s));
      if (cache.size < MAX_CACHED_KEYS) cache.set(key, hit);
    }
    return hit;
  };
}

/** Replaces credential-looking substrings of a string. */
export function scrubString(s: string): string {
  if (!MAYBE_SECRET.test(s)) return s;
  return s.replace(SECRET_VALUE, (_m, scheme: string | undefined, param: string | undefined) => (scheme ? `${scheme} ${REDACTED}` : `${param}${REDACTED}`));
}

/** Builds a redactor: fields whose names look secret become `[REDACTED]`, strings are scrubbed, nested objects walked. */
export function createRedactor(extra: readonly string[] = []): (value: unknown) => unknown {
  const isSecretKey = secretKeyPredicate(extra);
  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return scrubString(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth > 8 || seen.has(value)) return '[Truncated]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Error) return { name: value.name, message: scrubString(value.message), stack: value.stack };
    if (value instanceof Date) return value;
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    if (value instanceof Map) return walk(Object.fromEntries(value), depth + 1, seen);
    if (value instanceof Set) return walk([...value], depth + 1, seen);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk((toJSON as () => unknown).call(value), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : walk(v, depth + 1, seen);
    return out;
  };
  return (value) => walk(value, 0, new WeakSet());
}

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
  'x-api-key',
];

export const REDACTED = '[REDACTED]';

/** Values that look like credentials wherever they appear (bearer tokens, basic auth, key=value secrets in URLs). */
const SECRET_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}|([?&](?:token|key|secret|password|sig|signature|access_token)=)[^&\s"]+/gi;

/** Builds a redactor for field names containing any of the given (case-insensitive) substrings. */
export function createRedactor(extra: readonly string[] = []): (value: unknown) => unknown {
  const keys = [...DEFAULT_SECRET_KEYS, ...extra.map((k) => k.toLowerCase())];
  const isSecretKey = (k: string): boolean => {
    if (k === 'trace_id' || k === 'span_id') return false;
    const lower = k.toLowerCase();
    return keys.some((s) => lower.includes(s));
  };
  const scrubString = (s: string): string =>
    s.replace(SECRET_VALUE, (_m, scheme: string | undefined, param: string | undefined) => (scheme ? `${scheme} ${REDACTED}` : `${param}${REDACTED}`));

  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return scrubString(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth > 8 || seen.has(value)) return '[Truncated]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Error) return { name: value.name, message: walk(value.message, depth + 1, seen), stack: value.stack };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : walk(v, depth + 1, seen);
    return out;
  };

  return (value) => walk(value, 0, new WeakSet());
}


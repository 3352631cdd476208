/** Options of a {@link Sanitizer}; every field optional. */
export interface SanitizerOptions {
  /** Exact values to redact wherever they appear (values under 4 characters are ignored). */
  knownValues?: Iterable<string>;
  /** More key names (normalized: lower case, no `-`/`_`) or patterns whose values are redacted. */
  sensitiveKeys?: (string | RegExp)[];
  /** Default `[REDACTED]`. */
  replacement?: string;
  /** Nesting deeper than this becomes `[Truncated]`. Default 12. */
  maxDepth?: number;
}

const SENSITIVE_PARTS = [
  'password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization', 'cookie', 'credential',
  'privatekey', 'accesskey', 'sessionid', 'signature', 'pwd', 'jwt', 'bearer', 'connectionstring', 'dsn', 'xapikey',
];
// Keys that name or count a secret rather than hold it.
const HARMLESS_SUFFIXES = ['name', 'names', 'id', 'ids', 'count', 'length', 'version', 'file', 'path', 'type', 'ref', 'expiry', 'expiresat', 'ttl'];
const MIN_KNOWN_VALUE = 4;

const STRING_RULES: [RegExp, string][] = [
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, '-----BEGIN $1PRIVATE KEY-----$R-----END $1PRIVATE KEY-----'],
  [/\b(Bearer|Basic|Digest)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 $R'],
  [/\b((?:[a-z]+[_-]?)?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"'}]+)/gi, '$1$R'],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+):([^\s@/]+)@/gi, '$1:$R@'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, '$R'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '$R'],
];

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/**
 * Redacts secrets from strings and nested objects before they reach a log or an error report:
 * values under secret-looking keys, known secret values, private key blocks, bearer tokens,
 * `password=...` pairs, credentials in URLs, JWTs and AWS access key ids. Never throws.
 */
export class Sanitizer {
  readonly replacement: string;
  private readonly known = new Set<string>();
  private knownSorted: string[] = [];
  private readonly extraKeys: (string | RegExp)[];
  private readonly maxDepth: number;

  constructor(options: SanitizerOptions = {}) {
    this.replacement = options.replacement ?? '[REDACTED]';
    this.extraKeys = (options.sensitiveKeys ?? []).map((k) => (typeof k === 'string' ? normalizeKey(k) : k));
    this.maxDepth = options.maxDepth ?? 12;
    for (const v of options.knownValues ?? []) this.addKnownValue(v);
  }

  /** Adds a value to redact wherever it appears. */
  addKnownValue(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_KNOWN_VALUE || this.known.has(value)) return;
    this.known.add(value);
    this.knownSorted = [...this.known].sort((a, b) => b.length - a.length);
  }

  /** True when a value under this key should never be logged. */
  isSensitiveKey(key: string): boolean {
    const k = normalizeKey(key);
    if (this.extraKeys.some((e) => (typeof e === 'string' ? k === e : e.test(key)))) return true;
    if (SENSITIVE_PARTS.includes(k) || k === 'auth' || k === 'key' || k === 'pass') return true;
    if (HARMLESS_SUFFIXES.some((s) => k.endsWith(s))) return false;
    return SENSITIVE_PARTS.some((p) => k.includes(p));
  }

  /** Redacts secrets inside one string. */
  sanitizeString(input: string): string {
    let s = input;
    for (const v of this.knownSorted) if (s.includes(v)) s = s.split(v).join(this.replacement);
    for (const [re, to] of STRING_RULES) s = s.replace(re, to.replaceAll('$R', this.replacement));
    return s;
  }

  /** A redacted deep copy of `value` (strings, arrays, plain objects, errors, maps); cycles become `[Circular]`. */
  sanitize<T>(value: T): T {
    return this.walk(value, 0, new WeakSet()) as T;
  }

  private walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.sanitizeString(value);
    if (typeof value !== 'object' || value === null) return value;
    try {
      return this.walkObject(value, depth, seen);
    } catch {
      // Even the type checks can throw (a revoked Proxy, a throwing getPrototypeOf trap).
      return '[Unserializable]';
    }
  }

  private walkObject(value: object, depth: number, seen: WeakSet<object>): unknown {
    if (value instanceof Date || value instanceof RegExp) return value;
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    if (seen.has(value)) return '[Circular]';
    if (depth >= this.maxDepth) return '[Truncated]';
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1, seen));
      if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, typeof k === 'string' && this.isSensitiveKey(k) ? this.replacement : this.walk(v, depth + 1, seen)]));
      const out: Record<string, unknown> = {};
      if (value instanceof Error) {
        out['name'] = value.name;
        out['message'] = this.sanitizeString(value.message);
        if (value.stack) out['stack'] = this.sanitizeString(value.stack);
      }
      for (const [k, v] of Object.entries(value)) out[k] = this.isSensitiveKey(k) && v !== undefined && v !== null && v !== '' ? this.replacement : this.walk(v, depth + 1, seen);
      return out;
    } finally {
      seen.delete(value);
    }
  }
}

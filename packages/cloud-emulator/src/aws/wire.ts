import { randomUUID } from 'node:crypto';

/** An error the emulated API answers with: the AWS error code, message and HTTP status. */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** `Sender` or `Receiver` (query protocols). */
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'AwsApiError';
  }
}

/** What a handler returns; the protocol layer encodes it. */
export type HandlerResult = Record<string, unknown>;

export function requestId(): string {
  return randomUUID();
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Serializes a plain object as XML elements. Arrays become repeated
 * `<listItem>` children (IAM/STS use `member`, EC2 uses `item`).
 */
export function toXml(value: unknown, listItem: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<${listItem}>${toXml(v, listItem)}</${listItem}>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v, listItem)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** Form parameters of a query-protocol request. */
export class QueryParams {
  constructor(private readonly params: Record<string, string>) {}

  get action(): string {
    return this.params['Action'] ?? '';
  }

  get(name: string): string | undefined {
    return this.params[name];
  }

  required(name: string): string {
    const v = this.params[name];
    if (v === undefined || v === '') throw new AwsApiError('ValidationError', `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
    return v;
  }

  /** `prefix.1`, `prefix.2`, … as long as they exist. */
  list(prefix: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.params[`${prefix}.${i}`] !== undefined; i++) out.push(this.params[`${prefix}.${i}`] as string);
    return out;
  }

  /** Indexes 1..n of a structure list `prefix.N.…`. */
  indexes(prefix: string): number[] {
    const found = new Set<number>();
    const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`);
    for (const key of Object.keys(this.params)) {
      const m = re.exec(key);
      if (m) found.add(Number(m[1]));
    }
    return [...found].sort((a, b) => a - b);
  }

  /** Key/Value pairs under `prefix.N.Key` / `prefix.N.Value`. */
  tags(prefix: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const i of this.indexes(prefix)) {
      const key = this.params[`${prefix}.${i}.Key`];
      if (key !== undefined) tags[key] = this.params[`${prefix}.${i}.Value`] ?? '';
    }
    return tags;
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

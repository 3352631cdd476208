/**
 * Toolkit secret names use [A-Za-z0-9._/-] (≤ 127); Secret Manager ids allow only
 * [A-Za-z0-9_-] (≤ 255). The mapping escapes with `_`: `_` → `__`, `.` → `_d`,
 * `/` → `_s`; letters, digits and `-` are kept. Every name maps to one id (≤ 254
 * characters) and every id maps back, so two names can never share a secret.
 */
const ESCAPE: Record<string, string> = { _: '__', '.': '_d', '/': '_s' };
const UNESCAPE: Record<string, string> = { _: '_', d: '.', s: '/' };

export function toSecretId(name: string): string {
  return name.replace(/[_./]/g, (c) => ESCAPE[c] ?? c);
}

/** The toolkit name of a Secret Manager id made by {@link toSecretId}; undefined for ids it cannot have made. */
export function fromSecretId(id: string): string | undefined {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const c = id[i] as string;
    if (c !== '_') {
      if (!/[A-Za-z0-9-]/.test(c)) return undefined;
      out += c;
      continue;
    }
    const next = UNESCAPE[id[i + 1] ?? ''];
    if (next === undefined) return undefined;
    out += next;
    i++;
  }
  return out;
}

import { GatiError } from '@gati-framework/core';

/**
 * Toolkit secret names (`[A-Za-z0-9._/-]`) onto Key Vault's `[0-9a-zA-Z-]`, reversibly. Key Vault
 * names are case-insensitive, so case is spelled out too:
 *
 * | toolkit | Key Vault |
 * | --- | --- |
 * | `a`-`z`, `0`-`9` | themselves |
 * | `A`-`Z` | `-` + the lowercase letter (`A` → `-a`) |
 * | `-` | `-0` |
 * | `.` | `-1` |
 * | `_` | `-2` |
 * | `/` | `-3` |
 *
 * Every `-` in a vault name starts a two-character escape, so decoding is unambiguous and two
 * different toolkit names never map to the same vault name (compared case-insensitively).
 * `app/DB_url` → `app-3-d-b-2url`. A result longer than Key Vault's 127 characters is refused.
 */
const ESCAPES: Record<string, string> = { '-': '-0', '.': '-1', _: '-2', '/': '-3' };
const UNESCAPES: Record<string, string> = { '0': '-', '1': '.', '2': '_', '3': '/' };
export const MAX_VAULT_NAME_LENGTH = 127;

export function toVaultSecretName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (/[a-z0-9]/.test(ch)) out += ch;
    else if (/[A-Z]/.test(ch)) out += `-${ch.toLowerCase()}`;
    else if (ESCAPES[ch]) out += ESCAPES[ch];
    else throw invalidName(name, `"${ch}" has no Key Vault spelling`);
  }
  if (out.length > MAX_VAULT_NAME_LENGTH) throw invalidName(name, `its Key Vault spelling "${out.slice(0, 20)}…" is ${out.length} characters; Key Vault allows ${MAX_VAULT_NAME_LENGTH} (capitals and punctuation take two)`);
  return out;
}

export function fromVaultSecretName(vaultName: string): string {
  const lower = vaultName.toLowerCase();
  let out = '';
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i] ?? '';
    if (ch !== '-') {
      out += ch;
      continue;
    }
    const next = lower[++i] ?? '';
    if (UNESCAPES[next]) out += UNESCAPES[next];
    else if (/[a-z]/.test(next)) out += next.toUpperCase();
    else throw invalidName(vaultName, 'it is not a name Gati wrote (a "-" must start an escape)');
  }
  return out;
}

function invalidName(name: string, why: string): GatiError {
  return new GatiError('INVALID_CONFIG', `Secret name "${name}" cannot be stored in Key Vault: ${why}.`, { provider: 'azure', details: { issues: [{ path: 'name', message: why, code: 'custom' }] } });
}

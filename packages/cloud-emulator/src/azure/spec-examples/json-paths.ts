/**
 * Field paths of JSON documents, for comparing the emulator's answers with Microsoft's published
 * examples (azure-rest-api-specs). A path names object keys joined by `.`; `[]` after a key
 * stands for every element of that array: `properties.agentPoolProfiles[].vmSize`,
 * `properties.networkProfile.ipFamilies[]`; `{}` for every value of a map keyed by resource ids
 * (a key holding `/` or `.`), e.g. `identity.userAssignedIdentities.{}.principalId`. Test support
 * only: no library code uses it.
 */

export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export function jsonType(value: unknown): JsonType | 'absent' {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf path of a document with its type; empty objects and arrays are leaves too. */
export function pathsOf(doc: unknown, prefix = '', out: Record<string, JsonType> = {}): Record<string, JsonType> {
  if (isRecord(doc) && Object.keys(doc).length > 0) {
    for (const [key, value] of Object.entries(doc)) {
      const segment = /[./]/.test(key) ? '{}' : key;
      pathsOf(value, prefix === '' ? segment : `${prefix}.${segment}`, out);
    }
  } else if (Array.isArray(doc) && doc.length > 0) {
    for (const item of doc) pathsOf(item, `${prefix}[]`, out);
  } else {
    const t = jsonType(doc);
    if (t !== 'absent' && !(prefix in out)) out[prefix] = t;
  }
  return out;
}

const MISSING = Symbol('missing');

/** The values a path reaches (one per array element on the way); `MISSING` where a step fails. */
function valuesAt(doc: unknown, path: string): unknown[] {
  let nodes: unknown[] = [doc];
  for (const part of path.split('.')) {
    const iterate = part.endsWith('[]');
    const key = iterate ? part.slice(0, -2) : part;
    if (key === '{}') nodes = nodes.flatMap((n) => (isRecord(n) ? Object.values(n) : [MISSING]));
    else if (key !== '') nodes = nodes.map((n) => (isRecord(n) && key in n ? n[key] : MISSING));
    if (iterate) nodes = nodes.flatMap((n) => (Array.isArray(n) ? n : [MISSING]));
  }
  return nodes;
}

/**
 * What is wrong with `doc` against the expected paths: a path it does not carry (an empty array
 * on the way counts as not carrying it) or a value of another JSON type.
 */
export function pathProblems(doc: unknown, expected: Record<string, JsonType>, optional = false): string[] {
  const problems: string[] = [];
  for (const [path, type] of Object.entries(expected)) {
    const values = valuesAt(doc, path);
    const present = values.filter((v) => v !== MISSING);
    if (!optional && (values.length === 0 || present.length < values.length)) problems.push(`${path}: missing`);
    const wrong = present.map(jsonType).filter((t) => t !== type);
    if (wrong.length > 0) problems.push(`${path}: ${wrong[0] ?? ''} where the example has ${type}`);
  }
  return problems;
}

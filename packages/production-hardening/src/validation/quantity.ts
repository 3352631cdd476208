/**
 * Kubernetes resource quantities (`resource.Quantity`): `500m`, `0.5`, `2`, `512Mi`, `1Gi`,
 * `512M`, `1e9`, `128974848`. Same grammar as the API server (no sign for resources).
 */
export const QUANTITY_PATTERN = '^(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$';
const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A quantity as written in a config: a string or a plain number. */
export type Quantity = string | number;

/** True for a well-formed, non-negative Kubernetes quantity. */
export function isQuantity(value: unknown): value is Quantity {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0;
  return typeof value === 'string' && QUANTITY_RE.test(value);
}

/** The value in base units (cores for CPU, bytes for memory); `undefined` when malformed. */
export function parseQuantity(value: Quantity): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (!QUANTITY_RE.test(value)) return undefined;
  const m = /^([0-9.]+)(.*)$/.exec(value);
  if (!m) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return num * (BINARY[suffix] as number);
  if (suffix in DECIMAL) return num * (DECIMAL[suffix] as number);
  if (/^[eE]/.test(suffix)) return num * 10 ** Number(suffix.slice(1));
  return undefined;
}

/** CPU in millicores (`500m` → 500, `0.5` → 500, `2` → 2000). */
export function cpuMillicores(value: Quantity): number | undefined {
  const cores = parseQuantity(value);
  return cores === undefined ? undefined : Math.round(cores * 1000 * 1e6) / 1e6;
}

/** Memory in bytes (`512Mi` → 536870912, `512M` → 512000000, `1e9` → 1000000000). */
export function memoryBytes(value: Quantity): number | undefined {
  return parseQuantity(value);
}

/** Formats millicores the way Kubernetes prints them (`250m`, `2`). */
export function formatCpu(millicores: number): string {
  const m = Math.ceil(millicores);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Formats bytes with the largest exact binary suffix, rounding up to whole MiB above 1 MiB. */
export function formatMemory(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}Gi`;
  if (bytes >= 2 ** 20) return `${Math.ceil(bytes / 2 ** 20)}Mi`;
  if (bytes >= 2 ** 10) return `${Math.ceil(bytes / 2 ** 10)}Ki`;
  return String(Math.ceil(bytes));
}

/** One field whose live value differs from the desired one. */
export interface FieldChange {
  path: string;
  live: unknown;
  desired: unknown;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Fields the desired manifest sets that differ from the live object. Only desired fields are
 * compared, so server-side defaults and status never show up as changes. Lists compare whole,
 * except lists of named items (containers, env, ports), which compare item by item.
 */
export function diffDesired(desired: unknown, live: unknown, path = ''): FieldChange[] {
  if (isObj(desired)) {
    const l = isObj(live) ? live : {};
    return Object.entries(desired)
      .filter(([, v]) => v !== undefined)
      .flatMap(([k, v]) => diffDesired(v, l[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(desired) && Array.isArray(live) && desired.every((d) => isObj(d) && typeof d['name'] === 'string')) {
    return desired.flatMap((d) => {
      const name = (d as { name: string }).name;
      const match = live.find((x) => isObj(x) && x['name'] === name);
      return match === undefined ? [{ path: `${path}[name=${name}]`, live: undefined, desired: d }] : diffDesired(d, match, `${path}[name=${name}]`);
    });
  }
  if (Array.isArray(desired) && Array.isArray(live) && desired.length === live.length) {
    return desired.flatMap((d, i) => diffDesired(d, live[i], `${path}[${i}]`));
  }
  return JSON.stringify(desired) === JSON.stringify(live) ? [] : [{ path, live, desired }];
}

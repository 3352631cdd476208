import { badRequest } from './api-error.js';
import { isObject, type Json, type JsonObject } from './merge.js';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/** Parses a label selector (`a=b,c!=d,e in (x,y),!f`) into a predicate over labels. */
export function parseLabelSelector(selector: string | null | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (!selector) return () => true;
  const reqs: Requirement[] = [];
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) reqs.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((v) => v.trim()) });
    else if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(p))) reqs.push({ key: m[1] as string, op: 'notin', values: [m[2] as string] });
    else if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(p))) reqs.push({ key: m[1] as string, op: 'in', values: [m[2] as string] });
    else if ((m = /^!\s*(\S+)$/.exec(p))) reqs.push({ key: m[1] as string, op: '!exists', values: [] });
    else if ((m = /^(\S+)$/.exec(p))) reqs.push({ key: m[1] as string, op: 'exists', values: [] });
    else throw badRequest(`unable to parse requirement: ${p}`);
  }
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return has && r.values.includes(l[r.key] as string);
        case 'notin':
          return !has || !r.values.includes(l[r.key] as string);
      }
    });
  };
}

/** Matches `matchLabels` + `matchExpressions` of a LabelSelector object. */
export function matchesSelectorObject(selector: Json | undefined, labels: Record<string, string> | undefined): boolean {
  if (!isObject(selector)) return false;
  const l = labels ?? {};
  const ml = isObject(selector['matchLabels']) ? selector['matchLabels'] : {};
  if (!Object.entries(ml).every(([k, v]) => l[k] === v)) return false;
  const exprs = Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : [];
  return exprs.every((e) => {
    if (!isObject(e)) return true;
    const key = String(e['key']);
    const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
    const has = key in l;
    switch (e['operator']) {
      case 'In':
        return has && values.includes(l[key] as string);
      case 'NotIn':
        return !has || !values.includes(l[key] as string);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** Parses a field selector (`metadata.name=x,status.phase!=Failed`). */
export function parseFieldSelector(selector: string | null | undefined): (o: JsonObject) => boolean {
  if (!selector) return () => true;
  const reqs = selector.split(',').filter(Boolean).map((p) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(p.trim());
    if (!m) throw badRequest(`invalid field selector: ${p}`);
    return { path: (m[1] as string).split('.'), neq: m[2] === '!=', value: m[3] as string };
  });
  return (o) =>
    reqs.every((r) => {
      let cur: Json | undefined = o;
      for (const seg of r.path) cur = isObject(cur) ? cur[seg] : undefined;
      const s = cur === undefined || cur === null ? '' : String(cur);
      return r.neq ? s !== r.value : s === r.value;
    });
}

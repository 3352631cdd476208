import { TAG_CLUSTER, TAG_COMPONENT, TAG_MANAGED_BY, TAG_PREFIX } from '@gati-framework/core';

/**
 * GCP labels allow keys of [a-z0-9_-] starting with a letter (≤ 63) and values of
 * [a-z0-9_-] (≤ 63): core's ownership tags (`gati.dev/cluster`) are not valid keys.
 * Gati's keys are written as `gati-dev_cluster` (`.` → `-`, `/` → `_`); user tags
 * are lowercased with every other character turned into `_`. Only Gati's keys are read back.
 */
const GATI_KEYS: Record<string, string> = {
  [TAG_CLUSTER]: 'gati-dev_cluster',
  [TAG_MANAGED_BY]: 'gati-dev_managed-by',
  [TAG_COMPONENT]: 'gati-dev_component',
};

function sanitize(value: string, isKey: boolean): string {
  let out = value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
  if (isKey && !/^[a-z]/.test(out)) out = `t${out}`.slice(0, 63);
  return out;
}

/** Tags (user + ownership) → GCP labels. */
export function toLabels(tags: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    labels[GATI_KEYS[key] ?? sanitize(key, true)] = sanitize(value, false);
  }
  return labels;
}

/** GCP labels → Gati's ownership tags (with their `gati.dev/` keys) plus the user labels as they are. */
export function fromLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  const back = Object.fromEntries(Object.entries(GATI_KEYS).map(([tag, label]) => [label, tag]));
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) tags[back[key] ?? key] = value;
  return tags;
}

/** User labels only, without Gati's bookkeeping. */
export function userLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(fromLabels(labels)).filter(([k]) => !k.startsWith(TAG_PREFIX)));
}

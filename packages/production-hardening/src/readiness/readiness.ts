import { GatiError } from '@gati-framework/core';
import type { KubernetesObject } from '../manifests/types.js';
import { READINESS_CHECKS, type Severity } from './checks.js';

/** One check's result in a readiness report. */
export interface ReadinessCheckResult {
  id: string;
  severity: Severity;
  /** True when it passed or is exempted. */
  passed: boolean;
  /** Exempted by the config (`exemptions`), with the reason given there. */
  exempted?: boolean;
  exemptionReason?: string;
  message: string;
  path: string;
  remediation: string;
}

export interface ReadinessReport {
  /** No failed danger check (exempted ones do not count as failed). */
  ready: boolean;
  /** 0–100: passed weight over total weight (danger 3, warning 1). */
  score: number;
  checks: ReadinessCheckResult[];
  /** Exemptions naming no known check (probably typos). */
  unknownExemptions: string[];
}

export interface ReadinessOptions {
  exemptions?: { check: string; reason: string }[];
}

const WEIGHT: Record<Severity, number> = { danger: 3, warning: 1 };

/** Runs every readiness check over a service's manifests. One result per check and object. */
export function runReadinessChecks(manifests: KubernetesObject[], options: ReadinessOptions = {}): ReadinessReport {
  if (!Array.isArray(manifests) || !manifests.every((m) => typeof m === 'object' && m !== null)) throw new GatiError('INVALID_CONFIG', 'runReadinessChecks needs an array of Kubernetes objects (e.g. generateManifests(config).list).');
  if (options.exemptions !== undefined && !Array.isArray(options.exemptions)) throw new GatiError('INVALID_CONFIG', 'exemptions must be an array of { check, reason }.');
  const ctx = {
    deployments: manifests.filter((m) => m.kind === 'Deployment'),
    pdbs: manifests.filter((m) => m.kind === 'PodDisruptionBudget'),
    hpas: manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler'),
  };
  const exemptions = new Map((options.exemptions ?? []).map((e) => [e.check, e.reason]));
  const known = new Set(READINESS_CHECKS.map((c) => c.id));
  const checks: ReadinessCheckResult[] = [];
  for (const def of READINESS_CHECKS) {
    for (const f of def.run(ctx)) {
      const reason = exemptions.get(def.id);
      const exempt = !f.passed && reason !== undefined;
      checks.push({
        id: def.id,
        severity: def.severity,
        passed: f.passed || exempt,
        ...(exempt ? { exempted: true, exemptionReason: reason } : {}),
        message: exempt ? `${f.message} (exempted: ${reason})` : f.message,
        path: f.path,
        remediation: def.remediation,
      });
    }
  }
  return summarize(checks, [...exemptions.keys()].filter((k) => !known.has(k)));
}

/** Computes `ready` and `score` for a list of results. */
export function summarize(checks: ReadinessCheckResult[], unknownExemptions: string[] = []): ReadinessReport {
  const total = checks.reduce((s, c) => s + WEIGHT[c.severity], 0);
  const passed = checks.reduce((s, c) => s + (c.passed ? WEIGHT[c.severity] : 0), 0);
  return {
    ready: checks.every((c) => c.passed || c.severity !== 'danger'),
    score: total === 0 ? 0 : Math.round((100 * passed) / total),
    checks,
    unknownExemptions,
  };
}

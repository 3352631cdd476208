import { noopLogger, parseConfig, type Logger } from '@gati-framework/core';
import { ZeroDowntimeDeployment } from './deployment/zero-downtime.js';
import { generateManifests } from './manifests/deployment-manifests.js';
import { runReadinessChecks, summarize, type ReadinessReport } from './readiness/readiness.js';
import { AutoScalingOptimizer } from './scaling/optimizer.js';
import { AppSecrets, type AppSecretsOptions } from './secrets/app-secrets.js';
import { ConfigValidator } from './validation/config-validator.js';
import { DeploymentConfigSchema, type DeploymentConfig } from './validation/deployment-config.js';

/** Options of {@link ProductionHardeningSuite}; all optional. */
export interface ProductionHardeningSuiteOptions {
  logger?: Logger;
  /** Defaults for every `secrets.open()` (e.g. `maxKeyAgeDays`). */
  secrets?: AppSecretsOptions['defaults'];
}

/**
 * One entry point for production hardening: `secrets`, `validator`, `scaling`, `deployment`, and
 * `checkProductionReadiness(config)`. Constructs without any key; secret stores get theirs
 * when opened.
 */
export class ProductionHardeningSuite {
  readonly secrets: AppSecrets;
  readonly validator: ConfigValidator;
  readonly scaling: AutoScalingOptimizer;
  /** Zero-downtime deploys to Kubernetes with automatic rollback. */
  readonly deployment: ZeroDowntimeDeployment;
  private readonly logger: Logger;

  constructor(options: ProductionHardeningSuiteOptions = {}) {
    this.logger = options.logger ?? noopLogger;
    this.secrets = new AppSecrets({ logger: this.logger, ...(options.secrets ? { defaults: options.secrets } : {}) });
    this.validator = new ConfigValidator();
    this.scaling = new AutoScalingOptimizer();
    this.deployment = new ZeroDowntimeDeployment({ logger: this.logger });
  }

  /**
   * Validates the config, generates its manifests and runs the readiness checks over them.
   * An invalid config yields a failed `config-valid` check (never a throw). Exemptions come
   * from `config.exemptions` and are reported, not hidden.
   */
  async checkProductionReadiness(config: unknown): Promise<ReadinessReport> {
    const validation = this.validator.validate(config);
    const configCheck = {
      id: 'config-valid',
      severity: 'danger' as const,
      passed: validation.valid,
      message: validation.valid
        ? `config is valid${validation.warnings.length ? ` (${validation.warnings.length} warnings)` : ''}`
        : `${validation.errors.length} problem${validation.errors.length === 1 ? '' : 's'}: ${validation.errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ')}`,
      path: validation.errors[0]?.path ?? '',
      remediation: 'Fix the listed fields (ConfigValidator.validate returns each with its path).',
    };
    let parsed: DeploymentConfig;
    try {
      parsed = parseConfig(DeploymentConfigSchema, config, 'deployment config'); // throws only INVALID_CONFIG, whatever `config` is
    } catch {
      return summarize([configCheck]);
    }
    const report = runReadinessChecks(generateManifests(parsed).list, { exemptions: parsed.exemptions });
    const result = summarize([configCheck, ...report.checks], report.unknownExemptions);
    this.logger.info('production readiness checked', { app: parsed.appName, ready: result.ready, score: result.score });
    return result;
  }
}

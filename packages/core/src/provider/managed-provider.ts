import { ClusterConfigSchema, type ClusterConfig, type ClusterConfigInput } from '../config/cluster.js';
import type { LoadBalancerConfigInput, LoadBalancerRef } from '../config/load-balancer.js';
import type { ClusterInfo, LoadBalancerInfo, PlanStep, ProvisioningPlan, SecretRef, ValidationIssue, ValidationResult } from '../config/results.js';
import { SecretConfigSchema, SecretNameSchema, type DeleteSecretOptions, type SecretConfig } from '../config/secret.js';
import { parseConfig, validateWithSchema } from '../config/validate.js';
import { GatiError } from '../errors/gati-error.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import type { OperationOptions } from '../progress/progress.js';
import { Operation, type ProviderErrors } from '../provisioning/operation.js';
import { Provisioning } from '../provisioning/provisioning.js';
import type { BaseProviderConfig, ICloudProvider, KubeconfigOptions } from './cloud-provider.js';

/** Short public calls (reads, secrets, plans) get this deadline when the caller gives none. */
export const QUICK_OPERATION_TIMEOUT_MS = 2 * 60_000;

/** The delays every provider's resolved config carries (see `OperationSettings`). */
export interface ProviderTimings {
  operationTimeoutMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
}

/**
 * A provider's load balancers, made through Kubernetes by the cloud's own controllers.
 * `@gati-framework/kubernetes`' `kubernetesLoadBalancing` fills this slot.
 */
export interface LoadBalancing {
  create(input: LoadBalancerConfigInput, options: OperationOptions): Promise<LoadBalancerInfo>;
  delete(ref: LoadBalancerRef, options: OperationOptions): Promise<void>;
  /**
   * Every load balancer Gati made in the cluster, before the cluster goes (their cloud
   * resources would outlive it). Progress is relayed through `op`; an unreachable API server is
   * logged and skipped, but an abort, the deadline or a permission error fail the deletion.
   */
  deleteAll(clusterName: string, op: Operation): Promise<number>;
}

/** What one cloud fills in; {@link ManagedCloudProvider} does the rest the same way for every cloud. */
export interface ProviderSlots<TConfig, TClients> {
  /** `aws`, `gcp`, `azure`. */
  name: string;
  /** The cloud's error model (the provisioning engine's `ProviderErrors`). */
  errors: ProviderErrors;
  /** Options (and the environment) → the resolved config; INVALID_CONFIG with paths on bad input. */
  resolveConfig(input: BaseProviderConfig): TConfig;
  openClients(config: TConfig, input: BaseProviderConfig): TClients | Promise<TClients>;
  closeClients(clients: TClients): void | Promise<void>;
  /** The region clusters are made in (a cluster config naming another is refused). */
  region(config: TConfig): string;
  /** Where clusters live, for messages: `us-east-1`, `europe-west1 of project shop`. */
  scope(config: TConfig): string;
  /** What `initialize` logs at debug (never credentials). */
  describe(config: TConfig): Record<string, unknown>;
}

/**
 * The shell every managed-Kubernetes provider shares: initialization, the ready check, one
 * Operation per public call with the cloud's error model and delays, cluster-config parsing,
 * the create/plan/get/delete frames, load balancers through Kubernetes and the secret calls'
 * parsing and error mapping. A cloud writes only what differs: its slots and steps.
 */
export abstract class ManagedCloudProvider<TConfig extends ProviderTimings, TClients> implements ICloudProvider {
  readonly name: string;
  protected logger: Logger = noopLogger;
  private state: { config: TConfig; clients: TClients } | undefined;

  protected constructor(
    protected readonly slots: ProviderSlots<TConfig, TClients>,
    protected readonly loadBalancing: LoadBalancing,
  ) {
    this.name = slots.name;
  }

  /** Resolves the config, then opens the clients (credentials are read lazily by the SDKs). */
  async initialize(input: BaseProviderConfig = {}): Promise<void> {
    const config = this.slots.resolveConfig(input);
    if (this.state) await this.slots.closeClients(this.state.clients);
    this.state = undefined;
    this.logger = input.logger?.child({ provider: this.name }) ?? noopLogger;
    this.state = { config, clients: await this.slots.openClients(config, input) };
    this.logger.debug('initialized', this.slots.describe(config));
  }

  async validateConfig(input: unknown): Promise<ValidationResult> {
    const result = validateWithSchema(ClusterConfigSchema, input);
    if (!result.valid) return result;
    const issues = this.clusterIssues(input as ClusterConfig, this.state?.config);
    return issues.length === 0 ? result : { ...result, valid: false, errors: issues };
  }

  async planCluster(input: ClusterConfigInput): Promise<ProvisioningPlan> {
    const { config: settings } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('planCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      return { provider: this.name, clusterName: config.name, steps: await this.planSteps(op, config, settings) };
    } catch (error) {
      throw op.errors.mapError(error, `planning cluster ${config.name}`);
    }
  }

  async createCluster(input: ClusterConfigInput, options: OperationOptions = {}): Promise<ClusterInfo> {
    const { config: settings } = this.ready();
    const config = this.parseCluster(input);
    const op = this.operation('createCluster', options);
    const job = new Provisioning(op, { resource: `cluster/${config.name}`, what: `creating cluster ${config.name}`, resume: 'call createCluster again to resume' });
    return job.run(
      `creating ${this.kind} cluster ${config.name} in ${this.slots.scope(settings)}`,
      (p) => this.provision(p, op, config, settings),
      (info) => `cluster ${config.name} is ACTIVE with ${info.nodePools.length} node pool(s)`,
    );
  }

  /** Deletes the cluster and what Gati created for it (found by its ownership tags); NOT_FOUND when none of it exists. */
  async deleteCluster(name: string, options: OperationOptions = {}): Promise<void> {
    const { config: settings } = this.ready();
    const op = this.operation('deleteCluster', options);
    const top = `cluster/${name}`;
    op.step(top, 'started', `deleting ${this.kind} cluster ${name} and what Gati created for it`);
    try {
      if (!(await this.deprovision(op, name, settings))) throw this.notFound(name, ' (nor anything Gati created for it)');
      op.step(top, 'succeeded', `cluster ${name} deleted`);
    } catch (error) {
      const mapped = op.errors.mapError(error, `deleting cluster ${name}`);
      op.step(top, 'failed', mapped.message);
      throw mapped;
    }
  }

  async getCluster(name: string): Promise<ClusterInfo> {
    const { config: settings } = this.ready();
    const op = this.operation('getCluster', {}, QUICK_OPERATION_TIMEOUT_MS);
    try {
      const info = await this.readCluster(op, name, settings);
      if (!info) throw this.notFound(name);
      return info;
    } catch (error) {
      throw op.errors.mapError(error, `reading cluster ${name}`);
    }
  }

  abstract getKubeconfig(clusterName: string, options?: KubeconfigOptions): Promise<string>;

  async createLoadBalancer(input: LoadBalancerConfigInput, options: OperationOptions = {}): Promise<LoadBalancerInfo> {
    const { config } = this.ready();
    return this.loadBalancing.create(input, { ...options, timeoutMs: options.timeoutMs ?? config.operationTimeoutMs });
  }

  async deleteLoadBalancer(ref: LoadBalancerRef, options: OperationOptions = {}): Promise<void> {
    const { config } = this.ready();
    return this.loadBalancing.delete(ref, { ...options, timeoutMs: options.timeoutMs ?? config.operationTimeoutMs });
  }

  async storeSecret(input: SecretConfig): Promise<SecretRef> {
    this.ready();
    const config = parseConfig(SecretConfigSchema, input, 'secret config');
    const op = this.operation('storeSecret', {}, QUICK_OPERATION_TIMEOUT_MS);
    return this.mapped(op, `storing secret ${config.name}`, () => this.putSecret(op, config));
  }

  async retrieveSecret(name: string): Promise<Record<string, string>> {
    this.ready();
    parseConfig(SecretNameSchema, name, 'secret name');
    const op = this.operation('retrieveSecret', {}, QUICK_OPERATION_TIMEOUT_MS);
    return this.mapped(op, `reading secret ${name}`, () => this.getSecret(op, name));
  }

  async deleteSecret(name: string, options: DeleteSecretOptions = {}): Promise<void> {
    this.ready();
    parseConfig(SecretNameSchema, name, 'secret name');
    const op = this.operation('deleteSecret', {}, QUICK_OPERATION_TIMEOUT_MS);
    return this.mapped(op, `deleting secret ${name}`, () => this.removeSecret(op, name, options));
  }

  async close(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    if (state) await this.slots.closeClients(state.clients);
  }

  /** The managed-Kubernetes product in messages: `EKS`, `GKE`, `AKS`. */
  protected abstract readonly kind: string;
  /** The dry run's steps (each `create` or `exists`); changes nothing. */
  protected abstract planSteps(op: Operation, config: ClusterConfig, settings: TConfig): Promise<PlanStep[]>;
  /** The creation steps, each through `p.step` so a failure names what exists. */
  protected abstract provision(p: Provisioning, op: Operation, config: ClusterConfig, settings: TConfig): Promise<ClusterInfo>;
  /** Deletes the cluster and what Gati made for it; false when none of it existed. */
  protected abstract deprovision(op: Operation, name: string, settings: TConfig): Promise<boolean>;
  /** The cluster, or undefined when it does not exist. */
  protected abstract readCluster(op: Operation, name: string, settings: TConfig): Promise<ClusterInfo | undefined>;
  protected abstract putSecret(op: Operation, config: SecretConfig): Promise<SecretRef>;
  protected abstract getSecret(op: Operation, name: string): Promise<Record<string, string>>;
  protected abstract removeSecret(op: Operation, name: string, options: DeleteSecretOptions): Promise<void>;

  /** The cloud's own rules on a schema-valid cluster config (names, machine types, CIDRs); none by default. */
  protected clusterIssues(_config: ClusterConfig, _settings: TConfig | undefined): ValidationIssue[] {
    return [];
  }

  /** The initialized config and clients, or NOT_INITIALIZED. */
  protected ready(): { config: TConfig; clients: TClients } {
    if (!this.state) {
      throw new GatiError('NOT_INITIALIZED', `The ${this.name} provider is not initialized (or was closed): call initialize(config) first.`, { provider: this.name });
    }
    return this.state;
  }

  /** An operation with this cloud's error model and delays; quick calls pass a shorter default deadline. */
  protected operation(name: string, options: OperationOptions, defaultTimeoutMs?: number): Operation {
    const { config } = this.ready();
    return new Operation(name, options, {
      errors: this.slots.errors,
      defaultTimeoutMs: defaultTimeoutMs ?? config.operationTimeoutMs,
      pollIntervalMs: config.pollIntervalMs,
      maxPollIntervalMs: config.maxPollIntervalMs,
      retryBaseDelayMs: config.retryBaseDelayMs,
      maxRetryDelayMs: config.maxRetryDelayMs,
    });
  }

  /** NOT_FOUND for a cluster of this provider's scope. */
  protected notFound(name: string, extra = ''): GatiError {
    return new GatiError('NOT_FOUND', `Cluster "${name}" does not exist in ${this.slots.scope(this.ready().config)}${extra}.`, { provider: this.name });
  }

  /** Core's schema, the provider's region, then the cloud's own rules: all as one INVALID_CONFIG with paths. */
  protected parseCluster(input: ClusterConfigInput): ClusterConfig {
    const { config: settings } = this.ready();
    const config = parseConfig(ClusterConfigSchema, input, 'cluster config');
    const region = this.slots.region(settings);
    const issues: ValidationIssue[] = [];
    if (config.region && config.region.toLowerCase() !== region.toLowerCase()) {
      issues.push({ path: 'region', message: `must be ${region} for this provider (initialize a provider for ${config.region})`, code: 'custom' });
    }
    issues.push(...this.clusterIssues(config, settings));
    if (issues.length > 0) {
      throw new GatiError('INVALID_CONFIG', `Invalid cluster config for ${this.kind}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { provider: this.name, details: { issues } });
    }
    return config;
  }

  private async mapped<T>(op: Operation, what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw op.errors.mapError(error, what);
    }
  }
}

import { randomBytes } from 'node:crypto';
import { ClusterConfigSchema, type ClusterConfig, type ClusterConfigInput } from '../config/cluster.js';
import { LoadBalancerConfigSchema, LoadBalancerRefSchema, type LoadBalancerConfigInput, type LoadBalancerRef } from '../config/load-balancer.js';
import type { ClusterInfo, ClusterStatus, LoadBalancerInfo, ProvisioningPlan, SecretRef, ValidationResult } from '../config/results.js';
import { SecretConfigSchema, type DeleteSecretOptions, type SecretConfig } from '../config/secret.js';
import { parseConfig, validateWithSchema } from '../config/validate.js';
import { GatiError } from '../errors/gati-error.js';
import { renderKubeconfig } from '../kubeconfig/kubeconfig.js';
import { ProgressReporter, type OperationOptions } from '../progress/progress.js';
import { BaseProviderConfigSchema, type BaseProviderConfig, type ICloudProvider, type KubeconfigOptions } from '../provider/cloud-provider.js';
import { poll } from '../wait/poll.js';

/** Options of {@link InMemoryCloudProvider}; delays are how long the fake "cloud" takes. */
export interface InMemoryCloudProviderOptions {
  /** Time from create to ACTIVE, for the cluster and for each node pool. Default 30 ms. */
  provisioningDelayMs?: number;
  /** Time from delete to gone. Default 10 ms. */
  deletionDelayMs?: number;
  /** Poll interval while waiting. Default 10 ms. */
  pollIntervalMs?: number;
  /** Name reported as `provider`. Default `in-memory`. */
  name?: string;
}

interface ClusterRecord {
  config: ClusterConfig;
  createdAt: Date;
  readyAt: number;
  deletingUntil?: number;
  caPem: string;
  endpoint: string;
}

interface SecretRecord {
  values: Record<string, string>;
  tags: Record<string, string>;
  version: number;
}

/**
 * A faithful fake of a cloud for users' own tests: same validation, errors,
 * progress events and state transitions as a real provider, all in memory.
 * Its kubeconfig points at no real API server.
 */
export class InMemoryCloudProvider implements ICloudProvider {
  readonly name: string;
  protected readonly clusters = new Map<string, ClusterRecord>();
  protected readonly secrets = new Map<string, SecretRecord>();
  protected readonly loadBalancers = new Map<string, LoadBalancerInfo>();
  private region: string | undefined;
  private initialized = false;
  private readonly delays: Required<Omit<InMemoryCloudProviderOptions, 'name'>>;

  constructor(options: InMemoryCloudProviderOptions = {}) {
    this.name = options.name ?? 'in-memory';
    this.delays = {
      provisioningDelayMs: options.provisioningDelayMs ?? 30,
      deletionDelayMs: options.deletionDelayMs ?? 10,
      pollIntervalMs: options.pollIntervalMs ?? 10,
    };
  }

  async initialize(config: BaseProviderConfig = {}): Promise<void> {
    const parsed = parseConfig(BaseProviderConfigSchema, config, 'provider config');
    this.region = parsed.region ?? 'local-1';
    this.initialized = true;
  }

  async validateConfig(config: unknown): Promise<ValidationResult> {
    return validateWithSchema(ClusterConfigSchema, config);
  }

  async planCluster(input: ClusterConfigInput): Promise<ProvisioningPlan> {
    this.requireInitialized();
    const config = parseConfig(ClusterConfigSchema, input, 'cluster config');
    const existing = this.clusters.get(config.name);
    const action = existing ? 'exists' : 'create';
    return {
      provider: this.name,
      clusterName: config.name,
      steps: [
        { kind: 'network', name: `${config.name}-network`, action, detail: config.network?.cidrBlock ?? '10.0.0.0/16' },
        { kind: 'cluster', name: config.name, action, detail: `Kubernetes ${config.version}` },
        ...config.nodePools.map((p) => ({ kind: 'node-pool', name: p.name, action, detail: `${p.desiredNodes} × ${p.instanceType}` }) as const),
      ],
    };
  }

  async createCluster(input: ClusterConfigInput, options: OperationOptions = {}): Promise<ClusterInfo> {
    this.requireInitialized();
    const config = parseConfig(ClusterConfigSchema, input, 'cluster config');
    const existing = this.clusters.get(config.name);
    if (existing?.deletingUntil !== undefined) {
      throw new GatiError('CONFLICT', `Cluster "${config.name}" is being deleted; wait for the deletion to finish.`, { provider: this.name });
    }
    if (!existing) {
      this.clusters.set(config.name, {
        config,
        createdAt: new Date(),
        readyAt: Date.now() + this.delays.provisioningDelayMs,
        caPem: fakeCaPem(),
        endpoint: `https://${config.name}.${this.region ?? 'local-1'}.in-memory.invalid`,
      });
    }
    return poll(
      async () => {
        const info = await this.getCluster(config.name);
        return info.status === 'ACTIVE' ? { done: true, value: info } : { done: false, message: `cluster is ${info.status}` };
      },
      { ...options, operation: 'createCluster', resource: `cluster/${config.name}`, minDelayMs: this.delays.pollIntervalMs, maxDelayMs: this.delays.pollIntervalMs * 4 },
    );
  }

  async deleteCluster(name: string, options: OperationOptions = {}): Promise<void> {
    this.requireInitialized();
    const record = this.requireCluster(name);
    record.deletingUntil ??= Date.now() + this.delays.deletionDelayMs;
    for (const [key, lb] of this.loadBalancers) if (lb.clusterName === name) this.loadBalancers.delete(key);
    await poll(
      async () => {
        const r = this.clusters.get(name);
        if (r?.deletingUntil !== undefined && Date.now() >= r.deletingUntil) this.clusters.delete(name);
        return this.clusters.has(name) ? { done: false, message: 'cluster is DELETING' } : { done: true, value: undefined };
      },
      { ...options, operation: 'deleteCluster', resource: `cluster/${name}`, minDelayMs: this.delays.pollIntervalMs, maxDelayMs: this.delays.pollIntervalMs * 4 },
    );
  }

  async getCluster(name: string): Promise<ClusterInfo> {
    this.requireInitialized();
    const record = this.requireCluster(name);
    const status: ClusterStatus = record.deletingUntil !== undefined ? 'DELETING' : Date.now() >= record.readyAt ? 'ACTIVE' : 'CREATING';
    return {
      name,
      provider: this.name,
      status,
      endpoint: record.endpoint,
      version: record.config.version,
      ...(this.region ? { region: this.region } : {}),
      createdAt: record.createdAt,
      nodePools: record.config.nodePools.map((p) => ({
        name: p.name,
        instanceType: p.instanceType,
        status,
        minNodes: p.minNodes,
        desiredNodes: p.desiredNodes,
        maxNodes: p.maxNodes,
        currentNodes: status === 'ACTIVE' ? p.desiredNodes : 0,
      })),
      ...(record.config.tags ? { tags: { ...record.config.tags } } : {}),
    };
  }

  async getKubeconfig(clusterName: string, options: KubeconfigOptions = {}): Promise<string> {
    this.requireInitialized();
    const record = this.requireCluster(clusterName);
    const user =
      options.auth === 'token'
        ? { token: randomBytes(24).toString('base64url') }
        : { exec: { command: 'gati-in-memory-token', args: ['--cluster', clusterName] } };
    return renderKubeconfig({ name: clusterName, server: record.endpoint, caPem: record.caPem, user });
  }

  async createLoadBalancer(input: LoadBalancerConfigInput, options: OperationOptions = {}): Promise<LoadBalancerInfo> {
    this.requireInitialized();
    const config = parseConfig(LoadBalancerConfigSchema, input, 'load balancer config');
    const cluster = await this.getCluster(config.clusterName);
    if (cluster.status !== 'ACTIVE') {
      throw new GatiError('CONFLICT', `Cluster "${config.clusterName}" is ${cluster.status}; load balancers need an ACTIVE cluster.`, { provider: this.name });
    }
    const key = `${config.clusterName}/${config.namespace}/${config.name}`;
    const info: LoadBalancerInfo = {
      name: config.name,
      namespace: config.namespace,
      clusterName: config.clusterName,
      type: config.type,
      endpoint: `${config.name}-${config.namespace}.${config.clusterName}.lb.in-memory.invalid`,
      status: 'ACTIVE',
    };
    const progress = new ProgressReporter('createLoadBalancer', options.onProgress);
    progress.emit(`load-balancer/${key}`, 'started', `creating ${config.type} load balancer`);
    this.loadBalancers.set(key, info);
    progress.emit(`load-balancer/${key}`, 'succeeded', `address ${info.endpoint}`);
    return { ...info };
  }

  async deleteLoadBalancer(ref: LoadBalancerRef): Promise<void> {
    this.requireInitialized();
    const r = parseConfig(LoadBalancerRefSchema, ref, 'load balancer reference');
    const key = `${r.clusterName}/${r.namespace}/${r.name}`;
    if (!this.loadBalancers.delete(key)) throw new GatiError('NOT_FOUND', `Load balancer "${key}" does not exist.`, { provider: this.name });
  }

  async storeSecret(input: SecretConfig): Promise<SecretRef> {
    this.requireInitialized();
    const config = parseConfig(SecretConfigSchema, input, 'secret config');
    const previous = this.secrets.get(config.name);
    const version = (previous?.version ?? 0) + 1;
    this.secrets.set(config.name, { values: { ...config.values }, tags: { ...previous?.tags, ...config.tags }, version });
    return { name: config.name, id: `in-memory://secrets/${config.name}`, version: String(version) };
  }

  async retrieveSecret(name: string): Promise<Record<string, string>> {
    this.requireInitialized();
    const record = this.secrets.get(name);
    if (!record) throw new GatiError('NOT_FOUND', `Secret "${name}" does not exist.`, { provider: this.name });
    return { ...record.values };
  }

  async deleteSecret(name: string, options: DeleteSecretOptions = {}): Promise<void> {
    this.requireInitialized();
    if (options.force && options.recoveryWindowDays !== undefined) {
      throw new GatiError('INVALID_CONFIG', 'Pass either force or recoveryWindowDays to deleteSecret, not both.');
    }
    if (!this.secrets.delete(name)) throw new GatiError('NOT_FOUND', `Secret "${name}" does not exist.`, { provider: this.name });
  }

  async close(): Promise<void> {
    this.initialized = false;
  }

  /** Counts of what the fake holds, for assertions in tests. */
  inventory(): { clusters: number; secrets: number; loadBalancers: number } {
    return { clusters: this.clusters.size, secrets: this.secrets.size, loadBalancers: this.loadBalancers.size };
  }

  protected requireInitialized(): void {
    if (!this.initialized) {
      throw new GatiError('NOT_INITIALIZED', `The ${this.name} provider is not initialized (or was closed): call initialize(config) first.`, { provider: this.name });
    }
  }

  private requireCluster(name: string): ClusterRecord {
    const record = this.clusters.get(name);
    if (!record) throw new GatiError('NOT_FOUND', `Cluster "${name}" does not exist.`, { provider: this.name });
    return record;
  }
}

/** A PEM-framed block of random bytes: shaped like a CA for kubeconfig parsing, not a usable certificate. */
function fakeCaPem(): string {
  const body = randomBytes(256).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

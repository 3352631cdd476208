import type { IncomingMessage, ServerResponse } from 'node:http';
import { noopLogger, type Logger } from '@gati-framework/core';
import { bearerToken } from '../common/auth.js';
import { createCertificateAuthority, type CertificateAuthority } from '../common/certificates.js';
import { FaultInjector, type FaultDecision, type FaultOptions } from '../common/faults.js';
import { RequestLog, type RequestLogEntry, type RequestLogFilter } from '../common/request-log.js';
import { startEmulatorServer, type EmulatorServer, type ShellContext } from '../common/server.js';
import type { KubernetesDelays } from '../kubernetes/cluster-context.js';
import { ipLoadBalancerAddress, KubernetesApiPool, type ClusterLoadBalancerAddress } from '../kubernetes/cluster-pool.js';
import { ComputeService, lastSegment } from './compute.js';
import { startGrpcServer, type GrpcEndpoint } from './grpc-server.js';
import { renderGcpFault } from './faults.js';
import { DEFAULT_GKE_TIMINGS, GkeService, type GkeTimings } from './gke.js';
import { routeOf, type GcpRoute } from './routes.js';
import { SecretManagerService } from './secret-manager.js';
import { secretManagerRequest, toRestJson } from './secret-manager-rest.js';
import { projectNumber } from './shapes.js';
import { AccessTokens } from './tokens.js';
import { GoogleApiError } from './wire.js';

/** Options of {@link GcpEmulator}; every field has a default. */
export interface GcpEmulatorOptions {
  /** The project the first access token is issued for. Default `gati-emulator`. */
  project?: string;
  timings?: Partial<GkeTimings> & {
    /** Compute operations (networks, subnetworks, routers) PENDING → DONE. Default 50. */
    computeOperationMs?: number;
  };
  /** Random faults from the start (change later through `faults`). */
  faults?: FaultOptions;
  /**
   * The CA that signs the gRPC endpoint's certificate (the CLI passes the kit's CA, written to
   * `GATI_EMULATOR_CA_FILE`). Default `kubernetes.ca`, else a fresh one; read it back as {@link GcpEmulator.caPem}.
   */
  ca?: CertificateAuthority;
  /** Each cluster's Kubernetes API: CA (default {@link ca}), delays, load-balancer addresses (default `127.0.0.1`). */
  kubernetes?: { ca?: CertificateAuthority; delays?: Partial<KubernetesDelays>; loadBalancerAddress?: ClusterLoadBalancerAddress };
  /** A shared request log (the CLI's) that also gets every request. */
  sharedRequestLog?: RequestLog;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Serve the REST endpoint over TLS too (certificate from {@link ca}): `endpoint` becomes `https://…`. Default false (gcloud's override lines are http). */
  restTls?: boolean;
  /** Port of the gRPC endpoint (ClusterManager v1, SecretManagerService v1; TLS with {@link ca}). Default 0 (a free port). */
  grpcPort?: number;
  logger?: Logger;
}

const MAX_BODY = 1024 * 1024;

/**
 * A local Google Cloud REST endpoint for GKE: container v1 clusters, node pools and operations (also under the
 * zonal `zones/Z` paths) and serviceusage's `services.get`, Google's JSON error shape, bearer
 * tokens the emulator issued, seeded faults. Every RUNNING cluster has its own Kubernetes API over
 * TLS that accepts only tokens issued for the cluster's project.
 */
export class GcpEmulator {
  readonly project: string;
  /** Random and targeted faults on API requests (`container:CreateCluster`, `container:CreateNodePool`, `serviceusage:GetService`, …). */
  readonly faults: FaultInjector;
  /** Rules here fail a create later, as a DONE operation with an error (match `container:CreateCluster`). */
  readonly operationFaults = new FaultInjector();
  readonly gke: GkeService;
  readonly compute: ComputeService;
  readonly secretManager = new SecretManagerService();
  readonly pool: KubernetesApiPool;
  /** The access token issued at start for {@link project}. */
  readonly accessToken: string;
  /** Signs the gRPC endpoint's certificate (and each cluster's Kubernetes API unless `kubernetes.ca` is given). */
  private readonly ca: CertificateAuthority;
  private readonly tokens = new AccessTokens();
  private readonly log = new RequestLog(5000);
  private server: EmulatorServer | undefined;
  private grpc: GrpcEndpoint | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: GcpEmulatorOptions) {
    this.project = options.project ?? 'gati-emulator';
    this.faults = new FaultInjector(options.faults);
    this.accessToken = this.tokens.issue(this.project);
    const k = options.kubernetes ?? {};
    this.ca = options.ca ?? k.ca ?? createCertificateAuthority();
    this.pool = new KubernetesApiPool({
      verifyToken: (token, key) => {
        const project = this.tokens.projectOf(token);
        // Pool keys are `gke_PROJECT_LOCATION_NAME`: a token opens only its own project's clusters.
        return project !== undefined && key.startsWith(`gke_${project}_`) ? { username: `emulator-user@${project}.iam.gserviceaccount.com`, groups: ['system:masters', 'system:authenticated'] } : undefined;
      },
      loadBalancerAddress: k.loadBalancerAddress ?? ipLoadBalancerAddress('127.0.0.1'),
      logger: options.logger ?? noopLogger,
      ca: k.ca ?? this.ca,
      ...(k.delays ? { delays: k.delays } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.sharedRequestLog ? { requestLog: options.sharedRequestLog } : {}),
    });
    this.gke = new GkeService({ ...DEFAULT_GKE_TIMINGS, ...options.timings }, this.pool, this.operationFaults, (project, location, spec) => this.checkClusterNetwork(project, location, spec));
    this.compute = new ComputeService(options.timings?.computeOperationMs ?? 50, this.operationFaults, (project, kind, name) => this.clusterUsing(project, kind, name));
  }

  /** Starts the emulator on a free port (or `port`). */
  static async start(options: GcpEmulatorOptions = {}): Promise<GcpEmulator> {
    const emulator = new GcpEmulator(options);
    emulator.server = await startEmulatorServer({
      service: 'gcp',
      handler: (req, res, ctx) => emulator.handle(req, res, ctx),
      bodyLimit: MAX_BODY,
      requestLogs: [emulator.log, ...(options.sharedRequestLog ? [options.sharedRequestLog] : [])],
      faults: emulator.faults,
      logger: options.logger ?? noopLogger,
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.restTls ? { tls: { ca: emulator.ca } } : {}),
    });
    const grpcHost = options.host ?? '127.0.0.1';
    emulator.grpc = await startGrpcServer({
      invoke: (route, message, call) => emulator.invoke(route, message, call),
      restBase: () => emulator.endpoint,
      faults: emulator.faults,
      requestLogs: [emulator.log, ...(options.sharedRequestLog ? [options.sharedRequestLog] : [])],
      host: grpcHost,
      ...(options.grpcPort !== undefined ? { port: options.grpcPort } : {}),
      tls: emulator.ca.issue([...new Set(['localhost', '127.0.0.1', '::1', grpcHost])].filter((h) => h !== '0.0.0.0' && h !== '::')),
    });
    return emulator;
  }

  /** `http://host:port` (`https://` with `restTls`); point `CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER` at `${endpoint}/`. */
  get endpoint(): string {
    if (!this.server) throw new GoogleApiError('FAILED_PRECONDITION', 'not started');
    return this.server.url;
  }

  /**
   * `host:port` of the gRPC endpoint (TLS, certificate from {@link caPem} for `127.0.0.1`, `localhost`
   * and the host): clients pass `apiEndpoint` = host, `port`, and
   * `sslCreds: combineChannelCredentials(createSsl(caPem), <call credentials sending the token>)`.
   */
  get grpcEndpoint(): string {
    if (!this.grpc) throw new GoogleApiError('FAILED_PRECONDITION', 'not started');
    return this.grpc.address;
  }

  /** The gRPC endpoint as cloud-gcp's `endpoints` take it: `https://host:port`. */
  get grpcUrl(): string {
    return `https://${this.grpcEndpoint}`;
  }

  /** Host of the gRPC endpoint (`127.0.0.1` by default), the client's `apiEndpoint`. */
  get grpcHost(): string {
    if (!this.grpc) throw new GoogleApiError('FAILED_PRECONDITION', 'not started');
    return this.options.host ?? '127.0.0.1';
  }

  /** PEM of the CA that signed the gRPC endpoint's certificate: what a gRPC client trusts. */
  get caPem(): string {
    return this.ca.caPem;
  }

  /** Serve the REST endpoint over TLS too (certificate from {@link ca}): `endpoint` becomes `https://…`. Default false (gcloud's override lines are http). */
  restTls?: boolean;
  /** Port of the gRPC endpoint. */
  get grpcPort(): number {
    if (!this.grpc) throw new GoogleApiError('FAILED_PRECONDITION', 'not started');
    return this.grpc.port;
  }

  /** Issues another access token, valid for `project` only. */
  issueAccessToken(project = this.project): string {
    return this.tokens.issue(project);
  }

  /** The request log (no headers or bodies). */
  requests(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.log.entries(filter);
  }

  /**
   * What exists, for "nothing left" assertions: cluster keys (`gke_PROJECT_LOCATION_NAME`), node pools
   * (`CLUSTER_KEY/POOL`), compute paths (`projects/P/global/networks/N`, `projects/P/regions/R/subnetworks/S`,
   * `projects/P/regions/R/routers/R`) and secret names (`projects/P/secrets/S`).
   */
  inventory(): GcpInventory {
    return { clusters: this.gke.names(), nodePools: [...this.gke.nodePools.keys()], ...this.compute.inventory(), secrets: this.secretManager.names() };
  }

  /**
   * A cluster naming a network other than `default` needs it to exist, its subnetwork to be in the
   * cluster's region, and the secondary ranges it names for pods and services to be on that subnetwork.
   */
  private checkClusterNetwork(project: string, location: string, spec: Record<string, unknown>): void {
    const network = lastSegment(spec['network'], 'networks');
    if (network === undefined || network === 'default') return;
    if (!this.compute.peek('network', project, undefined, network)) throw new GoogleApiError('INVALID_ARGUMENT', `Network "${network}" does not exist.`);
    const subnetwork = lastSegment(spec['subnetwork'], 'subnetworks');
    if (subnetwork === undefined) return;
    const region = location.replace(/-[a-z]$/, '');
    const subnet = this.compute.peek('subnetwork', project, region, subnetwork);
    if (!subnet || lastSegment(subnet['network'], 'networks') !== network) throw new GoogleApiError('INVALID_ARGUMENT', `Subnetwork "projects/${project}/regions/${region}/subnetworks/${subnetwork}" does not exist in network "${network}".`);
    const ranges = new Set(((subnet['secondaryIpRanges'] as { rangeName?: string }[] | undefined) ?? []).map((r) => r.rangeName));
    const policy = (spec['ipAllocationPolicy'] ?? {}) as Record<string, unknown>;
    for (const field of ['clusterSecondaryRangeName', 'servicesSecondaryRangeName']) {
      const wanted = policy[field];
      if (typeof wanted === 'string' && wanted !== '' && !ranges.has(wanted)) throw new GoogleApiError('INVALID_ARGUMENT', `Secondary range "${wanted}" (ipAllocationPolicy.${field}) not found in subnetwork "${subnetwork}".`);
    }
  }

  /** The first cluster whose `network`/`subnetwork` names this one (deleting it is refused while so). */
  private clusterUsing(project: string, kind: 'network' | 'subnetwork', name: string): string | undefined {
    for (const key of this.gke.clusters.keys()) {
      const record = this.gke.clusters.get(key);
      if (!record || record.project !== project) continue;
      const used = lastSegment(record.spec[kind] ?? (kind === 'network' ? 'default' : undefined), `${kind}s`);
      if (used === name) return `projects/${project}/locations/${record.location}/clusters/${record.name}`;
    }
    return undefined;
  }

  /** Stops the endpoint and every cluster's Kubernetes API; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.gke.close();
      await Promise.allSettled([this.server?.close(), this.grpc?.close(), this.pool.close()]);
    })();
    return this.closing;
  }

  private async handle(request: IncomingMessage, response: ServerResponse, ctx: ShellContext): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const base = request.headers.host ? `${this.options.restTls ? 'https' : 'http'}://${request.headers.host}` : this.endpoint;
    let route: GcpRoute | undefined;
    try {
      route = routeOf(request.method ?? 'GET', url.pathname);
      ctx.service = `gcp:${route.api}`;
      ctx.operation = route.method;
      const body = request.method === 'POST' || request.method === 'PATCH' || request.method === 'PUT' ? parseJson(await ctx.readBody()) : {};
      const message = route.api === 'secretmanager' ? secretManagerRequest(route, body, url.searchParams) : body;
      const result = toRestJson(await this.invoke(route, message, { token: bearerToken(request), base, applyFaults: (op, o) => ctx.applyFaults(op, o) }));
      ctx.respond(200, { 'content-type': 'application/json; charset=UTF-8' }, JSON.stringify(result));
    } catch (error) {
      if (!(error instanceof GoogleApiError)) throw error;
      ctx.errorCode = error.status;
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
      if (error.httpStatus === 401) headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/"';
      ctx.respond(error.httpStatus, headers, JSON.stringify(error.body()));
    }
  }

  /**
   * The transport-neutral call both adapters (REST here, gRPC in grpc-server.ts) make: checks the
   * token, applies faults, runs the method on the shared state and answers with the response
   * message, or throws a {@link GoogleApiError} carrying a canonical status.
   */
  async invoke(route: GcpRoute, message: Record<string, unknown>, call: InvokeContext): Promise<Record<string, unknown>> {
    this.authorize(call.token, route);
    const decision = await call.applyFaults(`${route.api}:${route.method}`, { mutating: route.mutating });
    const target = { api: route.api, method: route.method, project: route.project, ...(route.location ? { location: route.location } : {}) };
    if (decision.kind !== 'none' && decision.kind !== 'lost-response') throw renderGcpFault(decision, target);
    const result = route.api === 'secretmanager' ? this.secretManager.call(route.method, message) : await this.dispatch(route, message, call.base);
    // A lost response: the work was done, the answer never arrives.
    if (decision.kind === 'lost-response') throw renderGcpFault(decision, target);
    return result;
  }

  private authorize(token: string | undefined, route: GcpRoute): void {
    const project = token === undefined ? undefined : this.tokens.projectOf(token);
    if (project === undefined) {
      throw new GoogleApiError(
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    }
    if (route.project !== project && route.project !== projectNumber(project)) {
      throw new GoogleApiError('PERMISSION_DENIED', `Permission denied on resource project ${route.project}.`);
    }
  }

  private async dispatch(route: GcpRoute, body: Record<string, unknown>, base: string): Promise<Record<string, unknown>> {
    const { project } = route;
    const location = route.location ?? '-';
    const gke = this.gke;
    if (route.api === 'compute') return this.dispatchCompute(route, body, base);
    switch (route.method) {
      case 'CreateCluster':
        return gke.createCluster(project, location, body, base);
      case 'ListClusters':
        return gke.listClusters(project, location, base);
      case 'GetCluster':
        return gke.getCluster(project, location, route.cluster ?? '', base);
      case 'DeleteCluster':
        return gke.deleteCluster(project, location, route.cluster ?? '', base);
      case 'CreateNodePool':
        return gke.createNodePool(project, location, route.cluster ?? '', body, base);
      case 'ListNodePools':
        return gke.listNodePools(project, location, route.cluster ?? '', base);
      case 'GetNodePool':
        return gke.getNodePool(project, location, route.cluster ?? '', route.nodePool ?? '', base);
      case 'DeleteNodePool':
        return gke.deleteNodePool(project, location, route.cluster ?? '', route.nodePool ?? '', base);
      case 'UpdateCluster':
        return gke.updateCluster(project, location, route.cluster ?? '', body, base);
      case 'SetNodePoolAutoscaling':
        return gke.setNodePoolAutoscaling(project, location, route.cluster ?? '', route.nodePool ?? '', body, base);
      case 'GetOperation':
        return gke.getOperation(project, location, route.operation ?? '', base);
      case 'ListOperations':
        return gke.listOperations(project, location, base);
      case 'GetService': {
        const service = route.service ?? '';
        const number = projectNumber(project);
        // Every API is enabled: gcloud asks before `clusters create`.
        return { name: `projects/${number}/services/${service}`, parent: `projects/${number}`, config: { name: service }, state: 'ENABLED' };
      }
      default:
        throw new GoogleApiError('NOT_FOUND', `Method ${route.method} is not served by the emulator.`, 404);
    }
  }

  private async dispatchCompute(route: GcpRoute, body: Record<string, unknown>, base: string): Promise<Record<string, unknown>> {
    const { project, location: region } = route;
    const compute = this.compute;
    if (route.operation !== undefined) return route.wait ? compute.waitOperation(project, region, route.operation, base) : compute.getOperation(project, region, route.operation, base);
    const kind = route.computeKind ?? 'network';
    const name = route.name ?? '';
    if (route.method.startsWith('Insert')) return compute.insert(kind, project, region, body, base);
    if (route.method.startsWith('List')) return compute.list(kind, project, region, base);
    if (route.method.startsWith('Get')) return compute.get(kind, project, region, name, base);
    if (route.method.startsWith('Delete')) return compute.delete(kind, project, region, name, base);
    return compute.patchRouter(project, region ?? '', name, body, base);
  }
}

/** Per-call inputs of {@link GcpEmulator.invoke} that depend on the transport. */
export interface InvokeContext {
  /** The bearer token the caller sent (header or gRPC metadata). */
  token: string | undefined;
  /** `http://host:port` of the REST endpoint, for self links. */
  base: string;
  /** Latency and the fault decision for `api:Method`. */
  applyFaults: (operation: string, options: { mutating: boolean }) => Promise<FaultDecision>;
}

/** What {@link GcpEmulator.inventory} reports. */
export interface GcpInventory {
  clusters: string[];
  nodePools: string[];
  networks: string[];
  subnetworks: string[];
  routers: string[];
  secrets: string[];
}

function parseJson(buffer: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8') || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    // Body-less POSTs (compute's operations.wait) arrive from the REST clients as `""`.
    if (value === '' || value === null) return {};
  } catch {
    // answered below
  }
  throw new GoogleApiError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
}

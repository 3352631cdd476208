import type { IncomingMessage, ServerResponse } from 'node:http';
import { noopLogger, type Logger } from '@gati-framework/core';
import type { CertificateAuthority } from '../common/certificates.js';
import { FaultInjector, type FaultOptions, type InjectedFault } from '../common/faults.js';
import { RequestLog } from '../common/request-log.js';
import { startEmulatorServer, type EmulatorServer, type ShellContext } from '../common/server.js';
import { DEFAULT_TIMINGS, type AwsContext, type AwsTimings, type EksClusterBackend } from './context.js';
import { DEFAULT_EMULATOR_CREDENTIALS } from './credentials.js';
import { Ec2Service } from './ec2.js';
import { EksService } from './eks.js';
import { renderAwsFault, type AwsService } from './faults.js';
import { IamService } from './iam.js';
import { KubernetesClusterBackend, type KubernetesBackendOptions } from './kubernetes-backend.js';
import { authError, encodeError, encodeResult, parseRequest, routeOf, type ParsedRequest, type Route } from './protocol.js';
import { SecretsManagerService } from './secrets-manager.js';
import { verifySigV4, type EmulatorCredential } from './sigv4.js';
import { verifyEksToken, type EksTokenCheck } from './token.js';
import { AwsApiError, requestId, type HandlerResult } from './wire.js';

export { DEFAULT_EMULATOR_CREDENTIALS } from './credentials.js';

/** Options of {@link AwsEmulator}; every field has a default. */
export interface AwsEmulatorOptions {
  /** Default `us-east-1`. */
  region?: string;
  /** Default `123456789012`. */
  accountId?: string;
  /** Accepted access keys. Default one pair, {@link DEFAULT_EMULATOR_CREDENTIALS}. */
  credentials?: EmulatorCredential[];
  /** Verify every request's SigV4 signature. Default true. */
  verifySignatures?: boolean;
  /** Availability zones of the region. Default `<region>a`, `b`, `c`. */
  availabilityZones?: string[];
  /** State machine delays. */
  timings?: Partial<AwsTimings>;
  /** Random faults from the start (change later through `faults`). */
  faults?: FaultOptions;
  /**
   * Give every EKS cluster a real (emulated) Kubernetes API that accepts only
   * EKS tokens for it: `true` or backend options. Default off (endpoints point nowhere).
   */
  kubernetes?: boolean | KubernetesBackendOptions;
  /** A custom Kubernetes API behind each EKS cluster (instead of `kubernetes`). */
  clusterBackend?: EksClusterBackend;
  /** A shared request log (the CLI's) that also gets every request, as `aws:<service>`. */
  sharedRequestLog?: RequestLog;
  /** Entries kept in the request log. Default 5000. */
  requestLogLimit?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port. Default 0 (any free port). */
  port?: number;
  /** Serve HTTPS with a certificate from this CA (clients need it: `AWS_CA_BUNDLE`). Default plain HTTP. */
  tls?: { ca: CertificateAuthority };
  logger?: Logger;
}

/** One handled request, as the request log records it. */
export interface AwsRequestLogEntry {
  at: Date;
  service: string;
  action: string;
  status: number;
  errorCode?: string;
  fault?: InjectedFault['kind'];
  durationMs: number;
}

/** Names of everything the emulator holds, for assertions ("delete leaves nothing"). */
export interface AwsInventory {
  clusters: string[];
  nodegroups: string[];
  roles: string[];
  vpcs: string[];
  subnets: string[];
  internetGateways: string[];
  /** Route tables other than each VPC's main one (which goes with its VPC). */
  routeTables: string[];
  secrets: string[];
  /** Secrets within their recovery window. */
  secretsScheduledForDeletion: string[];
}

const MUTATING = /^(Create|Put|Delete|Attach|Detach|Tag|Untag|Associate|Disassociate|Modify|Restore)/;
const MAX_BODY = 1024 * 1024;
const SERVICE_PREFIX = 'aws:';

/**
 * A local AWS API speaking the wire protocols of the AWS SDK v3 clients:
 * EKS (REST-JSON), IAM, STS and EC2 (query, XML), Secrets Manager (JSON 1.1).
 * Runs on the kit's server shell (listening, log, faults, close); this class only routes and encodes.
 * Start with `AwsEmulator.start()`, point clients at `endpoint`, `close()` after.
 */
export class AwsEmulator {
  readonly region: string;
  readonly accountId: string;
  readonly credentials: readonly EmulatorCredential[];
  readonly faults: FaultInjector;
  readonly eks: EksService;
  readonly iam: IamService;
  readonly ec2: Ec2Service;
  readonly secretsManager: SecretsManagerService;
  /** The per-cluster Kubernetes APIs, when started with `kubernetes`. */
  readonly kubernetes: KubernetesClusterBackend | undefined;
  private readonly log: RequestLog;
  private readonly verify: boolean;
  private server: EmulatorServer | undefined;
  private closing: Promise<void> | undefined;

  private constructor(options: AwsEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.credentials = options.credentials ?? [DEFAULT_EMULATOR_CREDENTIALS];
    this.verify = options.verifySignatures ?? true;
    this.log = new RequestLog(options.requestLogLimit ?? 5000);
    this.faults = new FaultInjector(options.faults);
    const ctx: AwsContext = {
      region: this.region,
      accountId: this.accountId,
      timings: { ...DEFAULT_TIMINGS, ...options.timings },
      availabilityZones: options.availabilityZones ?? ['a', 'b', 'c'].map((s) => `${this.region}${s}`),
      now: () => Date.now(),
    };
    this.iam = new IamService(ctx);
    this.ec2 = new Ec2Service(ctx);
    if (options.kubernetes && !options.clusterBackend) {
      const backendOptions = options.kubernetes === true ? {} : options.kubernetes;
      this.kubernetes = new KubernetesClusterBackend(this.region, (token, cluster) => this.verifyEksToken(token, cluster), { logger: options.logger ?? noopLogger, ...backendOptions });
    } else {
      this.kubernetes = undefined;
    }
    this.eks = new EksService(ctx, this.iam, this.ec2, options.clusterBackend ?? this.kubernetes);
    this.secretsManager = new SecretsManagerService(ctx);
    this.ec2.subnetInUse = (id) => this.eks.subnetInUse(id);
  }

  /** Starts the emulator (on 127.0.0.1 unless `host` says otherwise). */
  static async start(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
    const emulator = new AwsEmulator(options);
    emulator.server = await startEmulatorServer({
      service: 'aws',
      handler: (req, res, ctx) => emulator.onRequest(req, res, ctx),
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      bodyLimit: MAX_BODY,
      requestLogs: [emulator.log, ...(options.sharedRequestLog ? [options.sharedRequestLog] : [])],
      faults: emulator.faults,
      ...(options.tls ? { tls: { ca: options.tls.ca } } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return emulator;
  }

  /** `http://127.0.0.1:PORT` (`https://` with `tls`): the value for `endpoint` or `AWS_ENDPOINT_URL`. */
  get endpoint(): string {
    return this.server?.url ?? '';
  }

  /** Requests dropped from the bounded log. */
  get droppedLogEntries(): number {
    return this.log.dropped;
  }

  /** Copies of the request log entries, oldest first. */
  requests(filter?: { service?: string; action?: string }): AwsRequestLogEntry[] {
    return this.log
      .entries()
      .filter((e) => e.service.startsWith(SERVICE_PREFIX))
      .map((e) => ({
        at: e.at,
        service: e.service.slice(SERVICE_PREFIX.length),
        action: e.operation ?? '',
        status: e.status,
        ...(e.errorCode ? { errorCode: e.errorCode } : {}),
        ...(e.fault ? { fault: e.fault } : {}),
        durationMs: e.durationMs,
      }))
      .filter((e) => (!filter?.service || e.service === filter.service) && (!filter?.action || e.action === filter.action));
  }

  clearRequestLog(): void {
    this.log.clear();
  }

  inventory(): AwsInventory {
    this.secretsManager.tick();
    const secrets = [...this.secretsManager.secrets.values()];
    return {
      clusters: [...this.eks.clusters.keys()],
      nodegroups: [...this.eks.nodegroups.keys()],
      roles: [...this.iam.roles.keys()],
      vpcs: [...this.ec2.vpcs.keys()],
      subnets: [...this.ec2.subnets.keys()],
      internetGateways: [...this.ec2.internetGateways.keys()],
      routeTables: [...this.ec2.routeTables.values()].filter((t) => !t.main).map((t) => t.id),
      secrets: secrets.filter((s) => s.deletedAt === undefined).map((s) => s.name),
      secretsScheduledForDeletion: secrets.filter((s) => s.deletedAt !== undefined).map((s) => s.name),
    };
  }

  /** Checks an EKS bearer token for `clusterName` (the hook for the Kubernetes API emulator). */
  verifyEksToken(token: string, clusterName: string, now: Date = new Date()): EksTokenCheck {
    const check = verifyEksToken(token, clusterName, this.credentials, this.accountId, now);
    if (check.ok && !this.eks.clusters.has(clusterName)) return { ok: false, reason: `no EKS cluster named ${clusterName}` };
    return check;
  }

  /** Stops the endpoint, the state timers and every cluster's Kubernetes API; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.eks.close();
      await this.server?.close();
      await this.kubernetes?.close();
    })();
    return this.closing;
  }

  private async onRequest(req: IncomingMessage, _res: ServerResponse, ctx: ShellContext): Promise<void> {
    const body = await ctx.readBody();
    const parsed = parseRequest(req, body);
    const route = routeOf(req, parsed);
    if (!route) {
      ctx.respond(404, { 'content-type': 'application/json', 'x-amzn-requestid': requestId() }, JSON.stringify({ message: 'The emulator does not know this API.' }));
      return;
    }
    ctx.service = `${SERVICE_PREFIX}${route.service}`;
    ctx.operation = route.action;
    const fail = (error: AwsApiError): void => {
      ctx.errorCode = error.code;
      const wire = encodeError(route, error);
      ctx.respond(wire.status, { 'x-amzn-requestid': requestId(), ...wire.headers }, wire.payload);
    };

    let callerArn = `arn:aws:iam::${this.accountId}:user/anonymous`;
    let callerKey = '';
    if (this.verify) {
      const check = verifySigV4({ method: parsed.method, path: parsed.url.pathname, query: parsed.query, headers: req.headers, body }, this.credentials);
      if (!check.ok) return fail(authError(route.protocol, check.code, check.message));
      callerArn = `arn:aws:iam::${this.accountId}:user/${check.credential.userName ?? 'gati-emulator'}`;
      callerKey = check.accessKeyId;
    }

    const decision = await ctx.applyFaults(`${route.service}:${route.action}`, { mutating: MUTATING.test(route.action) });
    const target = { service: route.service, action: route.action, callerArn };
    if (decision.kind !== 'none' && decision.kind !== 'lost-response') return fail(renderAwsFault(decision, target));

    let result: HandlerResult;
    try {
      result = await this.dispatch(route, parsed, body, callerArn, callerKey);
    } catch (error) {
      if (error instanceof AwsApiError) return fail(error);
      if ((route.protocol === 'json' || route.protocol === 'rest-json') && error instanceof SyntaxError) return fail(new AwsApiError('SerializationException', 'The request body is not valid JSON.'));
      throw error;
    }
    // A lost response: the work is done, the answer never arrives.
    if (decision.kind === 'lost-response') return fail(renderAwsFault(decision, target));
    const wire = encodeResult(route, result);
    ctx.respond(wire.status, { 'x-amzn-requestid': requestId(), ...wire.headers }, wire.payload);
  }

  private async dispatch(route: Route, parsed: ParsedRequest, body: Buffer, callerArn: string, callerKey: string): Promise<HandlerResult> {
    const json = (): Record<string, unknown> => (body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>));
    const service: AwsService = route.service;
    switch (service) {
      case 'eks':
        return this.eks.handle(route.action, parsed.segments, json(), parsed.url.searchParams);
      case 'secretsmanager':
        this.secretsManager.tick();
        return this.secretsManager.handle(route.action, json());
      case 'iam':
        return this.iam.handle(route.action, parsed.params);
      case 'ec2':
        return this.ec2.handle(route.action, parsed.params);
      case 'sts':
        if (route.action !== 'GetCallerIdentity') throw new AwsApiError('InvalidAction', `Could not find operation ${route.action} for version 2011-06-15`);
        return { Arn: callerArn, UserId: `AIDA${callerKey.slice(4, 20) || 'ANONYMOUS'}`, Account: this.accountId };
    }
  }
}

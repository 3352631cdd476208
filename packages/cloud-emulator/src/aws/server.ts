import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { noopLogger, type Logger } from '@gati-framework/core';
import { DEFAULT_TIMINGS, type AwsContext, type AwsTimings, type EksClusterBackend } from './context.js';
import { Ec2Service } from './ec2.js';
import { EksService } from './eks.js';
import { FaultInjector, type FaultDecision, type FaultOptions } from '../common/faults.js';
import type { RequestLog } from '../common/request-log.js';
import { IamService } from './iam.js';
import { KubernetesClusterBackend, type KubernetesBackendOptions } from './kubernetes-backend.js';
import { SecretsManagerService } from './secrets-manager.js';
import { verifySigV4, type EmulatorCredential } from './sigv4.js';
import { verifyEksToken, type EksTokenCheck } from './token.js';
import { AwsApiError, QueryParams, requestId, toXml, type HandlerResult } from './wire.js';

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
  /** Port on 127.0.0.1. Default 0 (any free port). */
  port?: number;
  logger?: Logger;
}

/** A test key pair; not a real AWS credential. */
export const DEFAULT_EMULATOR_CREDENTIALS: EmulatorCredential = {
  accessKeyId: 'AKIAEMULATOR00000001',
  secretAccessKey: 'emulator/secret/key/not/a/real/one/000001',
  userName: 'gati-emulator',
};

/** One handled request, as the request log records it. */
export interface AwsRequestLogEntry {
  at: Date;
  service: string;
  action: string;
  status: number;
  errorCode?: string;
  fault?: FaultDecision['kind'];
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

type Protocol = 'rest-json' | 'json' | 'query' | 'ec2';
interface Route {
  service: 'eks' | 'iam' | 'ec2' | 'secretsmanager' | 'sts';
  protocol: Protocol;
  action: string;
}

const XMLNS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};
const MUTATING = /^(Create|Put|Delete|Attach|Detach|Tag|Untag|Associate|Disassociate|Modify|Restore)/;
const MAX_BODY = 1024 * 1024;

/**
 * A local AWS API speaking the wire protocols of the AWS SDK v3 clients:
 * EKS (REST-JSON), IAM, STS and EC2 (query, XML), Secrets Manager (JSON 1.1).
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
  /** Requests dropped from the bounded log. */
  droppedLogEntries = 0;
  private readonly log: AwsRequestLogEntry[] = [];
  private readonly logLimit: number;
  private readonly shared: RequestLog | undefined;
  private readonly verify: boolean;
  private readonly logger: Logger;
  private server: Server | undefined;
  private url = '';

  private constructor(options: AwsEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.credentials = options.credentials ?? [DEFAULT_EMULATOR_CREDENTIALS];
    this.verify = options.verifySignatures ?? true;
    this.logLimit = options.requestLogLimit ?? 5000;
    this.shared = options.sharedRequestLog;
    this.logger = options.logger ?? noopLogger;
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
      this.kubernetes = new KubernetesClusterBackend(this.region, (token, cluster) => this.verifyEksToken(token, cluster), { logger: this.logger, ...backendOptions });
    } else {
      this.kubernetes = undefined;
    }
    this.eks = new EksService(ctx, this.iam, this.ec2, options.clusterBackend ?? this.kubernetes);
    this.secretsManager = new SecretsManagerService(ctx);
    this.ec2.subnetInUse = (id) => this.eks.subnetInUse(id);
  }

  /** Starts the emulator on 127.0.0.1. */
  static async start(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
    const emulator = new AwsEmulator(options);
    await emulator.listen(options.port ?? 0);
    return emulator;
  }

  /** `http://127.0.0.1:PORT`: the value for `endpoint` or `AWS_ENDPOINT_URL`. */
  get endpoint(): string {
    return this.url;
  }

  /** Copies of the request log entries, oldest first. */
  requests(filter?: { service?: string; action?: string }): AwsRequestLogEntry[] {
    return this.log.filter((e) => (!filter?.service || e.service === filter.service) && (!filter?.action || e.action === filter.action)).map((e) => ({ ...e }));
  }

  clearRequestLog(): void {
    this.log.length = 0;
    this.droppedLogEntries = 0;
  }

  inventory(): AwsInventory {
    this.eks.tick();
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

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.kubernetes?.close();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        this.logger.error('aws emulator: request failed', { error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) res.writeHead(500).end();
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const body = await readBody(req);
    if (!body) {
      res.writeHead(413).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(url.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    const target = header(req, 'x-amz-target');
    const isForm = (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
    const form = isForm ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
    const params = new QueryParams({ ...query, ...form });

    let route: Route;
    if (target?.startsWith('secretsmanager.')) route = { service: 'secretsmanager', protocol: 'json', action: target.slice('secretsmanager.'.length) };
    else if (segments[0] === 'clusters' || segments[0] === 'tags') route = { service: 'eks', protocol: 'rest-json', action: EksService.operation(method, segments) };
    else {
      const service = { '2010-05-08': 'iam', '2016-11-15': 'ec2', '2011-06-15': 'sts' }[params.get('Version') ?? ''] as Route['service'] | undefined;
      if (!service) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'The emulator does not know this API.' }));
        return;
      }
      route = { service, protocol: service === 'ec2' ? 'ec2' : 'query', action: params.action };
    }

    const entry: AwsRequestLogEntry = { at: new Date(), service: route.service, action: route.action, status: 200, durationMs: 0 };
    const send = (status: number, headers: Record<string, string>, payload: string): void => {
      entry.status = status;
      entry.durationMs = Math.round(performance.now() - started);
      this.record(entry);
      this.shared?.record({ at: entry.at, service: `aws:${route.service}`, method, path: url.pathname, query: '', status, durationMs: entry.durationMs, operation: route.action });
      res.writeHead(status, { 'x-amzn-requestid': requestId(), 'content-length': String(Buffer.byteLength(payload)), ...headers }).end(payload);
    };
    const fail = (error: AwsApiError): void => {
      entry.errorCode = error.code;
      this.sendError(route, error, send);
    };

    let callerArn = `arn:aws:iam::${this.accountId}:user/anonymous`;
    let callerKey = '';
    if (this.verify) {
      const check = verifySigV4({ method, path: url.pathname, query, headers: req.headers, body }, this.credentials);
      if (!check.ok) {
        fail(authError(route.protocol, check.code, check.message));
        return;
      }
      callerArn = `arn:aws:iam::${this.accountId}:user/${check.credential.userName ?? 'gati-emulator'}`;
      callerKey = check.accessKeyId;
    }

    const latency = this.faults.latencyMs();
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const operation = `${route.service}:${route.action}`;
    const decision = this.faults.decide(operation, MUTATING.test(route.action));
    if (decision.kind !== 'none') entry.fault = decision.kind;
    if (decision.kind === 'throttle') return fail(throttleError(route.service));
    if (decision.kind === 'server-error') return fail(serverError(route.service));
    if (decision.kind === 'access-denied') return fail(accessDenied(route.service, operation, callerArn, decision.message));
    if (decision.kind === 'custom') return fail(new AwsApiError(decision.code, decision.message ?? `Injected ${decision.code}`, decision.status));

    let result: HandlerResult;
    try {
      result = await this.dispatch(route, segments, params, body, url.searchParams, callerArn, callerKey);
    } catch (error) {
      if (error instanceof AwsApiError) return fail(error);
      if (route.protocol === 'json' || route.protocol === 'rest-json') {
        if (error instanceof SyntaxError) return fail(new AwsApiError('SerializationException', 'The request body is not valid JSON.'));
      }
      throw error;
    }
    if (decision.kind === 'lost-response') return fail(serverError(route.service));
    this.sendResult(route, result, send);
  }

  private async dispatch(route: Route, segments: string[], params: QueryParams, body: Buffer, search: URLSearchParams, callerArn: string, callerKey: string): Promise<HandlerResult> {
    const json = (): Record<string, unknown> => (body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>));
    switch (route.service) {
      case 'eks':
        this.eks.tick();
        return this.eks.handle(route.action, segments, json(), search);
      case 'secretsmanager':
        this.secretsManager.tick();
        return this.secretsManager.handle(route.action, json());
      case 'iam':
        return this.iam.handle(route.action, params);
      case 'ec2':
        this.eks.tick();
        return this.ec2.handle(route.action, params);
      case 'sts':
        if (route.action !== 'GetCallerIdentity') throw new AwsApiError('InvalidAction', `Could not find operation ${route.action} for version 2011-06-15`);
        return { Arn: callerArn, UserId: `AIDA${callerKey.slice(4, 20) || 'ANONYMOUS'}`, Account: this.accountId };
    }
  }

  private sendResult(route: Route, result: HandlerResult, send: (status: number, headers: Record<string, string>, payload: string) => void): void {
    switch (route.protocol) {
      case 'rest-json':
        return send(200, { 'content-type': 'application/json' }, JSON.stringify(result));
      case 'json':
        return send(200, { 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify(result));
      case 'ec2':
        return send(
          200,
          { 'content-type': 'text/xml;charset=UTF-8' },
          `<?xml version="1.0" encoding="UTF-8"?>\n<${route.action}Response xmlns="${XMLNS['ec2']}"><requestId>${requestId()}</requestId>${toXml(result, 'item')}</${route.action}Response>`,
        );
      case 'query': {
        const inner = Object.keys(result).length > 0 ? `<${route.action}Result>${toXml(result, 'member')}</${route.action}Result>` : '';
        return send(
          200,
          { 'content-type': 'text/xml' },
          `<${route.action}Response xmlns="${XMLNS[route.service] ?? ''}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${route.action}Response>`,
        );
      }
    }
  }

  private sendError(route: Route, error: AwsApiError, send: (status: number, headers: Record<string, string>, payload: string) => void): void {
    switch (route.protocol) {
      case 'rest-json':
        return send(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code }, JSON.stringify({ message: error.message }));
      case 'json':
        return send(error.status, { 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify({ __type: error.code, message: error.message }));
      case 'ec2':
        return send(
          error.status,
          { 'content-type': 'text/xml;charset=UTF-8' },
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${toXml(error.code, 'item')}</Code><Message>${toXml(error.message, 'item')}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
        );
      case 'query':
        return send(
          error.status,
          { 'content-type': 'text/xml' },
          `<ErrorResponse xmlns="${XMLNS[route.service] ?? ''}"><Error><Type>${error.type}</Type><Code>${toXml(error.code, 'member')}</Code><Message>${toXml(error.message, 'member')}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
        );
    }
  }

  private record(entry: AwsRequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > this.logLimit) {
      this.log.shift();
      this.droppedLogEntries++;
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function throttleError(service: Route['service']): AwsApiError {
  switch (service) {
    case 'eks':
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 429);
    case 'secretsmanager':
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 400);
    case 'ec2':
      return new AwsApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    default:
      return new AwsApiError('Throttling', 'Rate exceeded', 400);
  }
}

function serverError(service: Route['service']): AwsApiError {
  const code = { eks: 'ServerException', secretsmanager: 'InternalServiceError', ec2: 'InternalError', iam: 'ServiceFailure', sts: 'InternalFailure' }[service];
  return new AwsApiError(code, 'We encountered an internal error. Please try again.', 500);
}

function accessDenied(service: Route['service'], operation: string, callerArn: string, message?: string): AwsApiError {
  const text = message ?? `User: ${callerArn} is not authorized to perform: ${operation}`;
  switch (service) {
    case 'eks':
      return new AwsApiError('AccessDeniedException', text, 403);
    case 'secretsmanager':
      return new AwsApiError('AccessDeniedException', text, 400);
    case 'ec2':
      return new AwsApiError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
    default:
      return new AwsApiError('AccessDenied', text, 403);
  }
}

function authError(protocol: Protocol, code: string, message: string): AwsApiError {
  if (protocol === 'rest-json' || protocol === 'json') {
    const json = { InvalidClientTokenId: 'UnrecognizedClientException', SignatureDoesNotMatch: 'InvalidSignatureException', MissingAuthenticationToken: 'MissingAuthenticationTokenException', RequestExpired: 'InvalidSignatureException', IncompleteSignature: 'IncompleteSignatureException' }[code] ?? code;
    return new AwsApiError(json, message, code === 'MissingAuthenticationToken' ? 403 : 403);
  }
  if (protocol === 'ec2') {
    if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch') return new AwsApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    return new AwsApiError(code, message, 400);
  }
  return new AwsApiError(code, message, code === 'RequestExpired' ? 400 : 403);
}

import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import type { FaultDecision, FaultInjector } from '../common/faults.js';
import type { RequestLog } from '../common/request-log.js';
import { routeOf, type GcpRoute } from './routes.js';
import { GoogleApiError } from './wire.js';

type Json = Record<string, unknown>;

/** Runs one call on the shared state (the emulator's `invoke`). */
export type Invoke = (route: GcpRoute, message: Json, call: { token: string | undefined; base: string; applyFaults: (operation: string, options: { mutating: boolean }) => Promise<FaultDecision> }) => Promise<Json>;

/** Options of {@link startGrpcServer}. */
export interface GrpcServerOptions {
  invoke: Invoke;
  /** The REST endpoint (`http://host:port`), used in self links so both transports answer alike. */
  restBase: () => string;
  faults: FaultInjector;
  requestLogs: RequestLog[];
  host: string;
  /** Default 0 (a free port). */
  port?: number;
  /** The server certificate (issued by the kit's CA for the loopback names): the endpoint speaks TLS only, as Google's does. */
  tls: { certPem: string; keyPem: string };
}

/** A running gRPC endpoint. */
export interface GrpcEndpoint {
  /** `host:port` (TLS), what a client's `apiEndpoint` + `port` name. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * ClusterManager's gRPC methods as their REST bindings (`google.api.http`): the gRPC adapter turns
 * a call into the same route the REST adapter parses, so both reach one handler layer.
 */
const CLUSTER_MANAGER: Record<string, { verb: string; path: (m: Json) => string }> = {
  CreateCluster: { verb: 'POST', path: (m) => `${parentOf(m)}/clusters` },
  ListClusters: { verb: 'GET', path: (m) => `${parentOf(m)}/clusters` },
  GetCluster: { verb: 'GET', path: (m) => nameOf(m, 'clusters', m['clusterId']) },
  DeleteCluster: { verb: 'DELETE', path: (m) => nameOf(m, 'clusters', m['clusterId']) },
  UpdateCluster: { verb: 'PUT', path: (m) => nameOf(m, 'clusters', m['clusterId']) },
  SetNodePoolAutoscaling: { verb: 'POST', path: (m) => `${m['name'] ? String(m['name']) : `${parentOf(m)}/clusters/${String(m['clusterId'] ?? '')}/nodePools/${String(m['nodePoolId'] ?? '')}`}:setAutoscaling` },
  CreateNodePool: { verb: 'POST', path: (m) => `${m['parent'] ? String(m['parent']) : `${parentOf(m)}/clusters/${String(m['clusterId'] ?? '')}`}/nodePools` },
  ListNodePools: { verb: 'GET', path: (m) => `${m['parent'] ? String(m['parent']) : `${parentOf(m)}/clusters/${String(m['clusterId'] ?? '')}`}/nodePools` },
  GetNodePool: { verb: 'GET', path: (m) => (m['name'] ? String(m['name']) : `${parentOf(m)}/clusters/${String(m['clusterId'] ?? '')}/nodePools/${String(m['nodePoolId'] ?? '')}`) },
  DeleteNodePool: { verb: 'DELETE', path: (m) => (m['name'] ? String(m['name']) : `${parentOf(m)}/clusters/${String(m['clusterId'] ?? '')}/nodePools/${String(m['nodePoolId'] ?? '')}`) },
  GetOperation: { verb: 'GET', path: (m) => nameOf(m, 'operations', m['operationId']) },
  ListOperations: { verb: 'GET', path: (m) => `${parentOf(m)}/operations` },
};

/** `projects/P/locations/L` from `parent`, or from the deprecated `projectId` + `zone`. */
function parentOf(m: Json): string {
  if (typeof m['parent'] === 'string' && m['parent'] !== '') return m['parent'];
  return `projects/${String(m['projectId'] ?? '')}/locations/${String(m['zone'] ?? '')}`;
}

function nameOf(m: Json, collection: string, id: unknown): string {
  if (typeof m['name'] === 'string' && m['name'] !== '') return m['name'];
  return `${parentOf(m)}/${collection}/${String(id ?? '')}`;
}

/** The project a Secret Manager request names (in `name`, `parent` or `secret.name`). */
function secretManagerRoute(method: string, m: Json): GcpRoute {
  const name = String(m['name'] ?? m['parent'] ?? (m['secret'] as Json | undefined)?.['name'] ?? '');
  const project = /^projects\/([^/]+)/.exec(name)?.[1] ?? '';
  return { api: 'secretmanager', method, project, name, mutating: !/^(Get|List|Access)/.test(method) };
}

/**
 * Secret Manager's times are `google.protobuf.Timestamp` messages on the wire (JSON strings in
 * REST); GKE's are plain strings in both. The handler layer speaks the REST form.
 */
function toTimestamps(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && /Time$/.test(key)) {
    const ms = Date.parse(value);
    return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
  }
  if (Array.isArray(value)) return value.map((v) => toTimestamps(v));
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toTimestamps(v, k)]));
  return value;
}

const PROTO_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: false, oneofs: false } as const;

function serviceOf(pkg: string, protos: string, service: string): grpc.ServiceDefinition {
  const json = createRequire(import.meta.url)(`${pkg}/build/protos/protos.json`) as Parameters<typeof fromJSON>[0];
  return fromJSON(json, PROTO_OPTIONS)[`${protos}.${service}`] as grpc.ServiceDefinition;
}

/**
 * Serves ClusterManager v1 and SecretManagerService v1 over gRPC (TLS, protos from the npm
 * packages) on the same state as the REST routes. TLS because clients send call credentials (the
 * bearer token) only on a secure channel, as every Google client does. The bearer token comes from the call's
 * `authorization` metadata; errors and faults become gRPC statuses with the canonical code.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcEndpoint> {
  const server = new grpc.Server();
  const serve = (api: 'container' | 'secretmanager', definition: grpc.ServiceDefinition, fullName: string): void => {
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const method of Object.keys(definition)) {
      handlers[method] = (call: grpc.ServerUnaryCall<Json, Json>, callback: grpc.sendUnaryData<Json>) => {
        const started = performance.now();
        const at = new Date();
        let fault: 'throttle' | 'server-error' | 'lost-response' | 'permission-denied' | 'quota' | 'custom' | undefined;
        const finish = (code: number, errorCode?: string): void => {
          for (const log of options.requestLogs) {
            log.record({ at, service: `gcp:${api}`, method: 'POST', path: `/${fullName}/${method}`, query: '', status: code === 0 ? 200 : code, durationMs: Math.round(performance.now() - started), operation: method, ...(errorCode ? { errorCode } : {}), ...(fault ? { fault } : {}) });
          }
        };
        const run = async (): Promise<Json> => {
          const request = call.request;
          let route: GcpRoute;
          if (api === 'secretmanager') {
            route = secretManagerRoute(method, request);
          } else {
            const binding = CLUSTER_MANAGER[method];
            if (!binding) throw new GoogleApiError('UNIMPLEMENTED', `Method ${method} is not served by the emulator.`, 501);
            route = routeOf(binding.verb, `/v1/${binding.path(request)}`);
          }
          const auth = call.metadata.get('authorization')[0];
          const token = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth)?.[1] : undefined;
          return options.invoke(route, request, {
            token,
            base: options.restBase(),
            applyFaults: async (operation, { mutating }) => {
              const latency = options.faults.latencyMs();
              if (latency > 0) await new Promise((r) => setTimeout(r, latency).unref());
              const decision = options.faults.decide(operation, mutating);
              if (decision.kind !== 'none') fault = decision.kind;
              return decision;
            },
          });
        };
        run().then(
          (response) => {
            finish(0);
            callback(null, api === 'secretmanager' ? (toTimestamps(response) as Json) : response);
          },
          (error: unknown) => {
            const status = error instanceof GoogleApiError ? error.status : 'INTERNAL';
            const code = (grpc.status as unknown as Record<string, number>)[status] ?? grpc.status.UNKNOWN;
            finish(code, status);
            callback({ code, details: error instanceof Error ? error.message : 'internal emulator error' });
          },
        );
      };
    }
    server.addService(definition, handlers);
  };
  serve('container', serviceOf('@google-cloud/container', 'google.container.v1', 'ClusterManager'), 'google.container.v1.ClusterManager');
  serve('secretmanager', serviceOf('@google-cloud/secret-manager', 'google.cloud.secretmanager.v1', 'SecretManagerService'), 'google.cloud.secretmanager.v1.SecretManagerService');

  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.certPem), private_key: Buffer.from(options.tls.keyPem) }], false);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  let closing: Promise<void> | undefined;
  return {
    address: `${host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Open calls (a client waiting on a lost answer) must not hold the emulator open.
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}

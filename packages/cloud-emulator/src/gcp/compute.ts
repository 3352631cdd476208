import { randomBytes, randomInt } from 'node:crypto';
import type { FaultInjector } from '../common/faults.js';
import { cidrOverlaps, formatIpv4, parseCidr, type Ipv4Cidr } from '@gati-framework/core';
import { renderGcpFault } from './faults.js';
import { computeError } from './wire.js';

type Json = Record<string, unknown>;

/** A network, subnetwork or router as stored: what the caller sent (kept, `description` included) plus ours. */
interface ComputeResource {
  kind: 'network' | 'subnetwork' | 'router';
  project: string;
  region?: string;
  name: string;
  id: string;
  created: string;
  body: Json;
}

/** A compute `Operation` (global or regional): PENDING, RUNNING until `endAt`, then DONE. */
interface ComputeOperation {
  id: string;
  name: string;
  project: string;
  region?: string;
  operationType: 'insert' | 'delete' | 'patch';
  targetLink: string;
  targetId: string;
  startAt: number;
  endAt: number;
  error?: { code: string; message: string; httpStatus: number };
}

/** Names compute accepts (RFC 1035). */
const NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_OPERATIONS = 1000;
/** The longest `operations.wait` blocks before answering with the operation as it is (GCP: about 2 minutes). */
const MAX_WAIT_MS = 60_000;

/** Tells whether a GKE cluster uses a network or subnetwork (so deleting it is refused). */
export type ClusterUsage = (project: string, kind: 'network' | 'subnetwork', name: string) => string | undefined;

/**
 * Compute Engine v1's VPC slice: global networks, regional subnetworks (secondary ranges, CIDR
 * checks across the whole VPC), regional routers with Cloud NAT, and compute operations that
 * PENDING → RUNNING → DONE over `operationMs`. `operationFaults` rules matched against
 * `compute:InsertNetwork`, `compute:InsertSubnetwork`, … fail the operation (`error.errors[]`) and
 * leave nothing created.
 */
export class ComputeService {
  private readonly resources = new Map<string, ComputeResource>();
  private readonly operations = new Map<string, ComputeOperation>();

  constructor(
    private readonly operationMs: number,
    private readonly operationFaults: FaultInjector,
    private readonly clusterUsage: ClusterUsage,
  ) {}

  insert(kind: ComputeResource['kind'], project: string, region: string | undefined, body: Json, base: string): Json {
    const name = body['name'];
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw computeError('INVALID_ARGUMENT', 'invalid', `Invalid value for field 'resource.name': '${String(name ?? '')}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`);
    }
    const path = pathOf(kind, project, region, name);
    if (this.resources.has(path)) throw computeError('ALREADY_EXISTS', 'alreadyExists', `The resource '${path}' already exists`);
    if (kind !== 'network') this.requireNetwork(project, body);
    if (kind === 'subnetwork') this.checkRanges(project, body);
    const resource: ComputeResource = { kind, project, name, id: numericId(), created: new Date().toISOString(), body: { ...body }, ...(region ? { region } : {}) };
    const op = this.startOperation(`compute:Insert${capital(kind)}`, project, region, 'insert', `${base}/compute/v1/${path}`, resource.id);
    if (!op.error) this.resources.set(path, resource);
    return this.operationJson(op, base);
  }

  get(kind: ComputeResource['kind'], project: string, region: string | undefined, name: string, base: string): Json {
    return this.resourceJson(this.existing(kind, project, region, name), base);
  }

  list(kind: ComputeResource['kind'], project: string, region: string | undefined, base: string): Json {
    const items = [...this.resources.values()].filter((r) => r.kind === kind && r.project === project && r.region === region).map((r) => this.resourceJson(r, base));
    const scope = region ? `projects/${project}/regions/${region}` : `projects/${project}/global`;
    return { kind: `compute#${kind}List`, id: `${scope}/${kind}s`, items, selfLink: `${base}/compute/v1/${scope}/${kind}s` };
  }

  delete(kind: ComputeResource['kind'], project: string, region: string | undefined, name: string, base: string): Json {
    const resource = this.existing(kind, project, region, name);
    const path = pathOf(kind, project, region, name);
    const user = this.userOf(resource);
    if (user) throw computeError('FAILED_PRECONDITION', 'resourceInUseByAnotherResource', `The ${kind} resource '${path}' is already being used by '${user}'`);
    const op = this.startOperation(`compute:Delete${capital(kind)}`, project, region, 'delete', `${base}/compute/v1/${path}`, resource.id);
    if (!op.error) this.resources.delete(path);
    return this.operationJson(op, base);
  }

  /** routers.patch: the fields sent replace the router's (JSON merge at the top level, as compute's PATCH does). */
  patchRouter(project: string, region: string, name: string, body: Json, base: string): Json {
    const router = this.existing('router', project, region, name);
    if (body['name'] !== undefined && body['name'] !== name) throw computeError('INVALID_ARGUMENT', 'invalid', `Invalid value for field 'resource.name': '${String(body['name'])}'. The name of a router cannot be changed.`);
    const op = this.startOperation('compute:PatchRouter', project, region, 'patch', `${base}/compute/v1/${pathOf('router', project, region, name)}`, router.id);
    if (!op.error) router.body = { ...router.body, ...body, name };
    return this.operationJson(op, base);
  }

  getOperation(project: string, region: string | undefined, id: string, base: string): Json {
    return this.operationJson(this.operation(project, region, id), base);
  }

  /** operations.wait: answers once the operation is DONE (or after {@link MAX_WAIT_MS}, still running). */
  async waitOperation(project: string, region: string | undefined, id: string, base: string): Promise<Json> {
    const op = this.operation(project, region, id);
    const until = Date.now() + MAX_WAIT_MS;
    while (Date.now() < op.endAt && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(20, op.endAt - Date.now() + 1)).unref());
    return this.operationJson(op, base);
  }

  /** What the caller sent for a resource that exists (`undefined` when absent), e.g. for GKE's network checks. */
  peek(kind: ComputeResource['kind'], project: string, region: string | undefined, name: string): Json | undefined {
    return this.resources.get(pathOf(kind, project, region, name))?.body;
  }

  /** Paths (`projects/P/global/networks/N`, `projects/P/regions/R/subnetworks/S`, …) of what exists, by kind. */
  inventory(): { networks: string[]; subnetworks: string[]; routers: string[] } {
    const of = (kind: ComputeResource['kind']): string[] => [...this.resources.values()].filter((r) => r.kind === kind).map((r) => pathOf(kind, r.project, r.region, r.name));
    return { networks: of('network'), subnetworks: of('subnetwork'), routers: of('router') };
  }

  private existing(kind: ComputeResource['kind'], project: string, region: string | undefined, name: string): ComputeResource {
    const path = pathOf(kind, project, region, name);
    const resource = this.resources.get(path);
    if (!resource) throw computeError('NOT_FOUND', 'notFound', `The resource '${path}' was not found`);
    return resource;
  }

  private requireNetwork(project: string, body: Json): void {
    const network = lastSegment(body['network'], 'networks');
    if (network === undefined) throw computeError('INVALID_ARGUMENT', 'required', "Invalid value for field 'resource.network': ''. The network must be specified.");
    if (!this.resources.has(pathOf('network', project, undefined, network))) throw computeError('NOT_FOUND', 'notFound', `The resource 'projects/${project}/global/networks/${network}' was not found`);
  }

  /** Primary and secondary ranges must be valid CIDRs and overlap nothing else in the VPC (any region). */
  private checkRanges(project: string, body: Json): void {
    const network = lastSegment(body['network'], 'networks');
    const mine = rangesOf(body, 'resource');
    for (let i = 0; i < mine.length; i++) {
      for (let j = i + 1; j < mine.length; j++) {
        const [a, b] = [mine[i], mine[j]];
        if (a && b && cidrOverlaps(a.range, b.range)) throw computeError('INVALID_ARGUMENT', 'invalid', `Invalid IPCidrRange: ${b.text} conflicts with ${a.text} in the same subnetwork.`);
      }
    }
    for (const other of this.resources.values()) {
      if (other.kind !== 'subnetwork' || other.project !== project || lastSegment(other.body['network'], 'networks') !== network) continue;
      for (const theirs of rangesOf(other.body, 'resource')) {
        const clash = mine.find((m) => cidrOverlaps(m.range, theirs.range));
        if (clash) throw computeError('INVALID_ARGUMENT', 'invalid', `Invalid IPCidrRange: ${clash.text} conflicts with existing subnetwork '${other.name}' in region '${other.region ?? ''}'.`);
      }
    }
  }

  /** Who still uses a resource: a network's subnetworks, routers and clusters; a subnetwork's clusters. */
  private userOf(resource: ComputeResource): string | undefined {
    if (resource.kind === 'router') return undefined;
    if (resource.kind === 'network') {
      for (const other of this.resources.values()) {
        if (other.kind !== 'network' && other.project === resource.project && lastSegment(other.body['network'], 'networks') === resource.name) return pathOf(other.kind, other.project, other.region, other.name);
      }
    }
    return this.clusterUsage(resource.project, resource.kind, resource.name);
  }

  private resourceJson(r: ComputeResource, base: string): Json {
    const self = `${base}/compute/v1/${pathOf(r.kind, r.project, r.region, r.name)}`;
    const common = { ...r.body, kind: `compute#${r.kind}`, id: r.id, name: r.name, creationTimestamp: r.created, selfLink: self };
    const networkLink = (): string => `${base}/compute/v1/projects/${r.project}/global/networks/${lastSegment(r.body['network'], 'networks') ?? ''}`;
    const regionLink = `${base}/compute/v1/projects/${r.project}/regions/${r.region ?? ''}`;
    if (r.kind === 'network') {
      const subnetworks = [...this.resources.values()].filter((s) => s.kind === 'subnetwork' && s.project === r.project && lastSegment(s.body['network'], 'networks') === r.name);
      return { autoCreateSubnetworks: false, routingConfig: { routingMode: 'REGIONAL' }, mtu: 1460, ...common, selfLinkWithId: `${base}/compute/v1/projects/${r.project}/global/networks/${r.id}`, subnetworks: subnetworks.map((s) => `${base}/compute/v1/${pathOf('subnetwork', s.project, s.region, s.name)}`) };
    }
    if (r.kind === 'subnetwork') {
      const primary = parseCidr(String(r.body['ipCidrRange']));
      return { privateIpGoogleAccess: false, secondaryIpRanges: [], stackType: 'IPV4_ONLY', purpose: 'PRIVATE', ...common, network: networkLink(), region: regionLink, gatewayAddress: primary ? formatIpv4(primary.base + 1) : undefined, fingerprint: fingerprint(r) };
    }
    return { nats: [], ...common, network: networkLink(), region: regionLink };
  }

  private startOperation(faultKey: string, project: string, region: string | undefined, type: ComputeOperation['operationType'], targetLink: string, targetId: string): ComputeOperation {
    const now = Date.now();
    const decision = this.operationFaults.decide(faultKey, true);
    let error: ComputeOperation['error'];
    if (decision.kind !== 'none') {
      const rendered = renderGcpFault(decision, { api: 'compute', method: faultKey.slice('compute:'.length), project, ...(region ? { location: region } : {}) });
      error = { code: decision.kind === 'quota' ? 'QUOTA_EXCEEDED' : rendered.status, message: rendered.message, httpStatus: rendered.httpStatus };
    }
    const op: ComputeOperation = { id: numericId(), name: `operation-${now}-${randomBytes(6).toString('hex')}`, project, operationType: type, targetLink, targetId, startAt: now, endAt: now + this.operationMs, ...(region ? { region } : {}), ...(error ? { error } : {}) };
    this.operations.set(op.name, op);
    if (this.operations.size > MAX_OPERATIONS) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) this.operations.delete(oldest);
    }
    return op;
  }

  private operation(project: string, region: string | undefined, name: string): ComputeOperation {
    const op = this.operations.get(name);
    if (!op || op.project !== project || op.region !== region) {
      throw computeError('NOT_FOUND', 'notFound', `The resource 'projects/${project}/${region ? `regions/${region}` : 'global'}/operations/${name}' was not found`);
    }
    return op;
  }

  private operationJson(op: ComputeOperation, base: string): Json {
    const now = Date.now();
    const done = now >= op.endAt;
    const elapsed = (now - op.startAt) / Math.max(1, op.endAt - op.startAt);
    const status = done ? 'DONE' : elapsed < 0.25 ? 'PENDING' : 'RUNNING';
    const scope = `projects/${op.project}/${op.region ? `regions/${op.region}` : 'global'}`;
    return {
      kind: 'compute#operation',
      id: op.id,
      name: op.name,
      operationType: op.operationType,
      targetLink: op.targetLink,
      targetId: op.targetId,
      status,
      user: `emulator-user@${op.project}.iam.gserviceaccount.com`,
      progress: done ? 100 : Math.floor(elapsed * 100),
      insertTime: new Date(op.startAt).toISOString(),
      startTime: new Date(op.startAt).toISOString(),
      selfLink: `${base}/compute/v1/${scope}/operations/${op.name}`,
      ...(op.region ? { region: `${base}/compute/v1/projects/${op.project}/regions/${op.region}` } : {}),
      ...(done ? { endTime: new Date(op.endAt).toISOString() } : {}),
      ...(done && op.error ? { error: { errors: [{ code: op.error.code, message: op.error.message }] }, httpErrorStatusCode: op.error.httpStatus, httpErrorMessage: op.error.httpStatus === 403 ? 'FORBIDDEN' : 'BAD REQUEST' } : {}),
    };
  }
}

function pathOf(kind: ComputeResource['kind'], project: string, region: string | undefined, name: string): string {
  return kind === 'network' ? `projects/${project}/global/networks/${name}` : `projects/${project}/regions/${region ?? ''}/${kind}s/${name}`;
}

/** `net`, `global/networks/net`, `projects/P/global/networks/net` or a full URL → `net`. */
export function lastSegment(value: unknown, collection: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = new RegExp(`(?:^|/)${collection}/([^/]+)$`).exec(value);
  return m ? m[1] : value.includes('/') ? value.slice(value.lastIndexOf('/') + 1) : value;
}

function rangesOf(body: Json, field: string): { range: Ipv4Cidr; text: string }[] {
  const texts: { text: unknown; path: string }[] = [{ text: body['ipCidrRange'], path: `${field}.ipCidrRange` }];
  const secondary = Array.isArray(body['secondaryIpRanges']) ? (body['secondaryIpRanges'] as Json[]) : [];
  secondary.forEach((s, i) => {
    if (typeof s['rangeName'] !== 'string' || !NAME.test(s['rangeName'])) throw computeError('INVALID_ARGUMENT', 'invalid', `Invalid value for field '${field}.secondaryIpRanges[${i}].rangeName': '${String(s['rangeName'] ?? '')}'.`);
    texts.push({ text: s['ipCidrRange'], path: `${field}.secondaryIpRanges[${i}].ipCidrRange` });
  });
  return texts.map(({ text, path }) => {
    const range = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!range) throw computeError('INVALID_ARGUMENT', 'invalid', `Invalid value for field '${path}': '${String(text ?? '')}'. Invalid IPCidrRange: ${String(text ?? '')} is not a valid IPv4 CIDR range (with no host bits set).`);
    return { range, text: text as string };
  });
}

function numericId(): string {
  return `${randomInt(1, 2 ** 47)}${randomInt(0, 99999).toString().padStart(5, '0')}`;
}

function fingerprint(r: ComputeResource): string {
  return Buffer.from(`${r.id}:${JSON.stringify(r.body)}`).toString('base64').slice(0, 12);
}

function capital(kind: string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

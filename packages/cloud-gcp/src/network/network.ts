import { cidrOverlaps, ensure, GatiError, networkOf, ownedBy, ownershipTags, type ClusterConfig, type Operation, type PlanStep } from '@gati-framework/core';
import type { GlobalOperationsClient, NetworksClient, RegionOperationsClient, RoutersClient, SubnetworksClient, protos } from '@google-cloud/compute';
import { grpcStatus } from '../errors/gcp-errors.js';
import type { ResolvedGcpConfig } from '../provider/config.js';

type IOperation = protos.google.cloud.compute.v1.IOperation;

/** `Operation.Status.DONE` of compute v1 (protos/google/cloud/compute/v1/compute.proto). */
const OPERATION_DONE = 2104194;

/** The compute clients the network steps use. */
export interface ComputeClients {
  networks: NetworksClient;
  subnetworks: SubnetworksClient;
  routers: RoutersClient;
  globalOperations: GlobalOperationsClient;
  regionOperations: RegionOperationsClient;
}

/** Secondary range names of the subnetwork: GKE's pods and Services take their IPs from them (VPC-native). */
export const PODS_RANGE = 'pods';
export const SERVICES_RANGE = 'services';

/** Default ranges: the nodes' range from the config (or this), pods and Services beside it. */
export const DEFAULT_NODES_CIDR = '10.0.0.0/20';
export const DEFAULT_PODS_CIDR = '10.4.0.0/14';
export const DEFAULT_SERVICES_CIDR = '10.8.0.0/20';

/** What Gati names the network it creates for a cluster. */
export function networkNames(cluster: string): { network: string; subnetwork: string; router: string; nat: string } {
  return { network: `${cluster}-vpc`, subnetwork: `${cluster}-nodes`, router: `${cluster}-router`, nat: `${cluster}-nat` };
}

/**
 * Compute networks, subnetworks and routers carry no labels: Gati writes its ownership tags
 * into `description` as `key=value` pairs, and reads them back the same way before deleting.
 */
export function ownershipDescription(cluster: string, component: string): string {
  const tags = ownershipTags(cluster, component);
  return `Created by Gati: ${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

export function descriptionTags(description: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (description ?? '').matchAll(/(gati\.dev\/[a-z-]+)=(\S+)/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The three ranges of the subnetwork Gati creates; overlaps are INVALID_CONFIG with the paths to change. */
export function subnetworkRanges(config: ClusterConfig, gcp: ResolvedGcpConfig): { nodes: string; pods: string; services: string } {
  const ranges = { nodes: config.network?.cidrBlock ?? DEFAULT_NODES_CIDR, pods: gcp.podsCidr ?? DEFAULT_PODS_CIDR, services: gcp.servicesCidr ?? DEFAULT_SERVICES_CIDR };
  const issues: { path: string; message: string; code: string }[] = [];
  const paths = { nodes: 'network.cidrBlock', pods: 'gcp.podsCidr', services: 'gcp.servicesCidr' } as const;
  const keys = ['nodes', 'pods', 'services'] as const;
  const blocks = Object.fromEntries(keys.map((k) => [k, networkOf(ranges[k])]));
  for (const k of keys) if (!blocks[k]) issues.push({ path: paths[k], message: `not an IPv4 CIDR: ${ranges[k]}`, code: 'custom' });
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const [x, y] = [keys[i]!, keys[j]!];
      const [a, b] = [blocks[x], blocks[y]];
      if (a && b && cidrOverlaps(a, b)) issues.push({ path: paths[y], message: `${ranges[y]} overlaps the ${x} range ${ranges[x]}: choose another range`, code: 'custom' });
    }
  }
  if (issues.length > 0) {
    throw new GatiError('INVALID_CONFIG', `Invalid network ranges: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { provider: 'gcp', details: { issues } });
  }
  return ranges;
}

/** Reads a compute resource, or undefined on 404. */
async function read<T>(get: () => Promise<[T, ...unknown[]]>): Promise<T | undefined> {
  try {
    return (await get())[0];
  } catch (error) {
    if (grpcStatus(error) === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Polls a compute operation (global or regional) until DONE; DONE with `error.errors` is a failure.
 * An answer without an operation name is a failure too: nothing says the change happened, and
 * carrying on would build the cluster on a network that may never exist.
 */
async function waitCompute(op: Operation, c: ComputeClients, gcp: ResolvedGcpConfig, started: { name?: string | null; region?: string | null } | undefined, resource: string, what: string): Promise<void> {
  const name = String(started?.name ?? '');
  if (!name) {
    throw new GatiError('PROVIDER_ERROR', `${what}: Compute Engine answered without an operation name, so its completion cannot be followed. Check the endpoint is Compute Engine v1 (or a faithful emulator) and run the call again: it resumes.`, {
      provider: 'gcp',
      retryable: false,
      details: { resource },
    });
  }
  await op.wait(resource, async () => {
    const operation = name.split('/').pop() ?? name;
    const [o]: [IOperation, ...unknown[]] = started?.region
      ? await c.regionOperations.get({ project: gcp.projectId, region: gcp.region, operation })
      : await c.globalOperations.get({ project: gcp.projectId, operation });
    // A name once gax decodes it; the raw number when a response skips that decoding (REST asks for enum-encoding=int).
    if (String(o.status) === 'DONE' || Number(o.status) === OPERATION_DONE) {
      const errors = o.error?.errors ?? [];
      if (errors.length > 0) {
        const first = errors[0]!;
        const quota = /QUOTA/i.test(String(first.code ?? ''));
        throw new GatiError(quota ? 'QUOTA_EXCEEDED' : 'PROVIDER_ERROR', `${what} failed: ${String(first.code ?? 'ERROR')}: ${String(first.message ?? '')}`, { provider: 'gcp', details: { resource } });
      }
      return { done: true, value: undefined };
    }
    return { done: false, message: `${what}: ${String(o.status ?? 'PENDING')}${o.progress ? ` (${String(o.progress)} %)` : ''}` };
  });
}

/** The ExtendedOperation's own fields: `name` and (for regional operations) `region`. */
function started(result: unknown): IOperation | undefined {
  const first = (result as [{ latestResponse?: IOperation; name?: string }] | undefined)?.[0];
  return (first?.latestResponse ?? (first as IOperation | undefined)) ?? undefined;
}

/**
 * The network a GKE cluster runs in: a custom-mode VPC and a subnetwork with secondary ranges
 * for pods and Services (VPC-native, IP aliases), plus a Cloud Router with Cloud NAT when the
 * nodes are private (they have no external IPs). Each piece is found before it is created.
 * With `gcp.network`/`gcp.subnetwork` set, those are checked to exist and nothing is created.
 */
export async function ensureNetwork(op: Operation, c: ComputeClients, gcp: ResolvedGcpConfig, config: ClusterConfig): Promise<{ network: string; subnetwork: string }> {
  const project = gcp.projectId;
  const region = gcp.region;
  const existing = { network: gcp.network ?? config.network?.vpcId, subnetwork: gcp.subnetwork ?? config.network?.subnetIds?.[0] };
  if (existing.network || existing.subnetwork) {
    const network = existing.network ?? 'default';
    const subnetwork = existing.subnetwork ?? network;
    const found = await op.call(`reading subnetwork ${subnetwork}`, () => read(() => c.subnetworks.get({ project, region, subnetwork })), `subnetwork/${subnetwork}`);
    if (!found) throw new GatiError('INVALID_CONFIG', `Subnetwork "${subnetwork}" does not exist in ${region} of project ${project}.`, { provider: 'gcp', details: { issues: [{ path: 'gcp.subnetwork', message: 'does not exist', code: 'custom' }] } });
    const names = new Set((found.secondaryIpRanges ?? []).map((r) => r.rangeName));
    if (!names.has(PODS_RANGE) || !names.has(SERVICES_RANGE)) {
      throw new GatiError('INVALID_CONFIG', `Subnetwork "${subnetwork}" needs secondary ranges named "${PODS_RANGE}" and "${SERVICES_RANGE}" for a VPC-native cluster.`, { provider: 'gcp', details: { issues: [{ path: 'gcp.subnetwork', message: 'lacks the pods/services secondary ranges', code: 'custom' }] } });
    }
    return { network, subnetwork };
  }
  const n = networkNames(config.name);
  const ranges = subnetworkRanges(config, gcp);

  await ensure<unknown>(op, {
    what: `creating VPC network ${n.network}`,
    resource: `network/${n.network}`,
    find: () => op.call(`reading network ${n.network}`, () => read(() => c.networks.get({ project, network: n.network })), `network/${n.network}`),
    create: async () => {
      const result = await c.networks.insert({ project, networkResource: { name: n.network, autoCreateSubnetworks: false, routingConfig: { routingMode: 'REGIONAL' }, description: ownershipDescription(config.name, 'network') } });
      await waitCompute(op, c, gcp, started(result), `network/${n.network}`, `creating network ${n.network}`);
      return true;
    },
  });

  await ensure<unknown>(op, {
    what: `creating subnetwork ${n.subnetwork}`,
    resource: `subnetwork/${n.subnetwork}`,
    find: () => op.call(`reading subnetwork ${n.subnetwork}`, () => read(() => c.subnetworks.get({ project, region, subnetwork: n.subnetwork })), `subnetwork/${n.subnetwork}`),
    create: async () => {
      const result = await c.subnetworks.insert({
        project,
        region,
        subnetworkResource: {
          name: n.subnetwork,
          network: `projects/${project}/global/networks/${n.network}`,
          ipCidrRange: ranges.nodes,
          privateIpGoogleAccess: true,
          secondaryIpRanges: [
            { rangeName: PODS_RANGE, ipCidrRange: ranges.pods },
            { rangeName: SERVICES_RANGE, ipCidrRange: ranges.services },
          ],
          description: ownershipDescription(config.name, 'subnetwork'),
        },
      });
      await waitCompute(op, c, gcp, { ...started(result), region }, `subnetwork/${n.subnetwork}`, `creating subnetwork ${n.subnetwork}`);
      return true;
    },
  });

  if (config.network?.privateNetworking) {
    await ensure<unknown>(op, {
      what: `creating Cloud Router ${n.router} with Cloud NAT`,
      resource: `router/${n.router}`,
      find: () => op.call(`reading router ${n.router}`, () => read(() => c.routers.get({ project, region, router: n.router })), `router/${n.router}`),
      create: async () => {
        const result = await c.routers.insert({
          project,
          region,
          routerResource: {
            name: n.router,
            network: `projects/${project}/global/networks/${n.network}`,
            description: ownershipDescription(config.name, 'router'),
            // Private nodes have no external IP: NAT gives them egress (image pulls, APIs).
            nats: [{ name: n.nat, natIpAllocateOption: 'AUTO_ONLY', sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' }],
          },
        });
        await waitCompute(op, c, gcp, { ...started(result), region }, `router/${n.router}`, `creating router ${n.router}`);
        return true;
      },
    });
  }
  return { network: n.network, subnetwork: n.subnetwork };
}

/** Deletes the router, subnetwork and network Gati created for the cluster (checked by their description); gone already is fine. */
export async function deleteNetwork(op: Operation, c: ComputeClients, gcp: ResolvedGcpConfig, cluster: string): Promise<string[]> {
  const project = gcp.projectId;
  const region = gcp.region;
  const n = networkNames(cluster);
  const deleted: string[] = [];
  const steps: { resource: string; get: () => Promise<{ description?: string | null } | undefined>; del: () => Promise<unknown>; regional: boolean }[] = [
    { resource: `router/${n.router}`, get: () => read(() => c.routers.get({ project, region, router: n.router })), del: () => c.routers.delete({ project, region, router: n.router }), regional: true },
    { resource: `subnetwork/${n.subnetwork}`, get: () => read(() => c.subnetworks.get({ project, region, subnetwork: n.subnetwork })), del: () => c.subnetworks.delete({ project, region, subnetwork: n.subnetwork }), regional: true },
    { resource: `network/${n.network}`, get: () => read(() => c.networks.get({ project, network: n.network })), del: () => c.networks.delete({ project, network: n.network }), regional: false },
  ];
  for (const s of steps) {
    const found = await op.call(`reading ${s.resource}`, s.get, s.resource);
    if (!found || !ownedBy(descriptionTags(found.description), cluster)) continue;
    let result: unknown;
    const outcome = await op.change(`deleting ${s.resource}`, async () => {
      result = await s.del();
    }, s.resource);
    if (outcome === 'done') await waitCompute(op, c, gcp, s.regional ? { ...started(result), region } : started(result), s.resource, `deleting ${s.resource}`);
    op.step(s.resource, 'succeeded', `${s.resource} deleted`);
    deleted.push(s.resource);
  }
  return deleted;
}

/** What createCluster would do with the network. */
export async function planNetwork(op: Operation, c: ComputeClients, gcp: ResolvedGcpConfig, config: ClusterConfig): Promise<PlanStep[]> {
  const existing = gcp.subnetwork ?? config.network?.subnetIds?.[0] ?? gcp.network ?? config.network?.vpcId;
  if (existing) {
    return [{ kind: 'network', name: existing, action: 'exists', detail: 'existing network, checked before the cluster is created' }];
  }
  const n = networkNames(config.name);
  const ranges = subnetworkRanges(config, gcp);
  const project = gcp.projectId;
  const region = gcp.region;
  const network = await op.call(`reading network ${n.network}`, () => read(() => c.networks.get({ project, network: n.network })));
  const subnetwork = await op.call(`reading subnetwork ${n.subnetwork}`, () => read(() => c.subnetworks.get({ project, region, subnetwork: n.subnetwork })));
  const steps: PlanStep[] = [
    { kind: 'network', name: n.network, action: network ? 'exists' : 'create', detail: 'custom-mode VPC network' },
    { kind: 'subnetwork', name: n.subnetwork, action: subnetwork ? 'exists' : 'create', detail: `nodes ${ranges.nodes}, pods ${ranges.pods}, Services ${ranges.services} in ${region}` },
  ];
  if (config.network?.privateNetworking) {
    const router = await op.call(`reading router ${n.router}`, () => read(() => c.routers.get({ project, region, router: n.router })));
    steps.push({ kind: 'router', name: n.router, action: router ? 'exists' : 'create', detail: `Cloud Router with Cloud NAT ${n.nat} (private nodes)` });
  }
  return steps;
}

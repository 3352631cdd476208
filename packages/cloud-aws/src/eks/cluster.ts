import {
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteClusterCommand,
  DeleteNodegroupCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  ListNodegroupsCommand,
  type Cluster,
  type EKSClient,
  type Nodegroup,
  type TaintEffect,
} from '@aws-sdk/client-eks';
import {
  ensure,
  GatiError,
  ownershipTags,
  userTags,
  type ClusterConfig,
  type ClusterInfo,
  type ClusterStatus,
  type NodePoolConfig,
  type NodePoolInfo,
  type Operation,
  type PlanStep,
} from '@gati-framework/core';
import { isAwsError } from '../errors/map-error.js';

const TAINT_EFFECTS: Record<string, TaintEffect> = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' };

/** EKS statuses in the words every provider uses. */
export function mapStatus(status: string | undefined): ClusterStatus {
  switch (status) {
    case 'ACTIVE':
      return 'ACTIVE';
    case 'DELETING':
      return 'DELETING';
    case 'UPDATING':
    case 'DEGRADED':
      return 'UPDATING';
    case 'FAILED':
    case 'CREATE_FAILED':
    case 'DELETE_FAILED':
      return 'FAILED';
    default:
      return 'CREATING';
  }
}

export async function describeCluster(eks: EKSClient, name: string, signal?: AbortSignal): Promise<Cluster | undefined> {
  try {
    return (await eks.send(new DescribeClusterCommand({ name }), { abortSignal: signal })).cluster;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

export async function describeNodegroup(eks: EKSClient, clusterName: string, nodegroupName: string, signal?: AbortSignal): Promise<Nodegroup | undefined> {
  try {
    return (await eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }), { abortSignal: signal })).nodegroup;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

function isRolePropagation(error: unknown): boolean {
  const raw = (error as { cause?: unknown }).cause ?? error;
  return isAwsError(raw, 'InvalidParameterException') && /could not be assumed|role/i.test((raw as Error).message ?? '');
}

/** Creates the EKS cluster unless it exists, retrying while new roles propagate, then waits for ACTIVE. */
export async function ensureCluster(
  op: Operation,
  eks: EKSClient,
  config: ClusterConfig,
  settings: { roleArn: string; subnetIds: string[]; logging: string[]; rolePropagationTimeoutMs: number },
): Promise<Cluster> {
  const resource = `eks-cluster/${config.name}`;
  op.step(resource, 'started', `ensuring EKS cluster (Kubernetes ${config.version})`);
  const existing = await op.call(`describing cluster ${config.name}`, () => describeCluster(eks, config.name, op.signal), resource);
  if (existing?.status === 'DELETING') {
    throw new GatiError('CONFLICT', `Cluster "${config.name}" is being deleted; wait for the deletion to finish, then create it again.`, { provider: 'aws' });
  }
  if (existing?.status === 'FAILED') {
    throw new GatiError('PROVIDER_ERROR', `Cluster "${config.name}" is in FAILED state; delete it and create it again.`, { provider: 'aws' });
  }
  if (!existing) {
    const privateOnly = config.network?.privateNetworking === true;
    const started = Date.now();
    // The SDK sends a clientRequestToken, so its own retries are idempotent; ensure() covers Gati's.
    await ensure(op, {
      what: `creating EKS cluster ${config.name}`,
      resource,
      find: () => describeCluster(eks, config.name, op.signal),
      create: async () =>
        (
          await eks.send(
            new CreateClusterCommand({
              name: config.name,
              version: config.version,
              roleArn: settings.roleArn,
              resourcesVpcConfig: { subnetIds: settings.subnetIds, endpointPublicAccess: !privateOnly, endpointPrivateAccess: true },
              logging: { clusterLogging: [{ types: settings.logging as never[], enabled: true }] },
              tags: ownershipTags(config.name, 'eks-cluster', config.tags),
            }),
            { abortSignal: op.signal },
          )
        ).cluster as Cluster,
      // A role made a moment ago is not yet assumable by EKS: wait it out, up to rolePropagationTimeoutMs.
      notYet: (error) => (isRolePropagation(error) && Date.now() - started < settings.rolePropagationTimeoutMs ? 'waiting for the new IAM role to propagate' : undefined),
    });
  }
  const active = await op.wait(resource, async () => {
    const c = await describeCluster(eks, config.name, op.signal);
    if (!c) throw new GatiError('NOT_FOUND', `Cluster "${config.name}" disappeared while waiting for it to become ACTIVE.`, { provider: 'aws' });
    if (c.status === 'ACTIVE') return { done: true, value: c };
    if (c.status === 'FAILED' || c.status === 'DELETING') throw new GatiError('PROVIDER_ERROR', `Cluster "${config.name}" went ${c.status} while being created.`, { provider: 'aws' });
    return { done: false, message: `cluster is ${c.status ?? 'unknown'}` };
  });
  op.step(resource, 'succeeded', `ACTIVE at ${active.endpoint ?? '(no endpoint)'}`);
  return active;
}

/** Creates the managed node group of a pool unless it exists, then waits for ACTIVE. */
export async function ensureNodegroup(op: Operation, eks: EKSClient, config: ClusterConfig, pool: NodePoolConfig, settings: { nodeRoleArn: string; subnetIds: string[] }): Promise<Nodegroup> {
  const resource = `node-group/${config.name}/${pool.name}`;
  op.step(resource, 'started', `ensuring node group: ${pool.desiredNodes} × ${pool.instanceType} (${pool.minNodes}-${pool.maxNodes})`);
  const ng = await op.call(`describing node group ${pool.name}`, () => describeNodegroup(eks, config.name, pool.name, op.signal), resource);
  if (ng?.status === 'DELETING') throw new GatiError('CONFLICT', `Node group "${pool.name}" is being deleted; wait for it to finish, then create the cluster again.`, { provider: 'aws' });
  if (!ng) {
    await ensure(op, {
      what: `creating node group ${pool.name}`,
      resource,
      find: () => describeNodegroup(eks, config.name, pool.name, op.signal),
      create: async () =>
        (
          await eks.send(
            new CreateNodegroupCommand({
              clusterName: config.name,
              nodegroupName: pool.name,
              nodeRole: settings.nodeRoleArn,
              subnets: settings.subnetIds,
              scalingConfig: { minSize: pool.minNodes, desiredSize: pool.desiredNodes, maxSize: pool.maxNodes },
              instanceTypes: [pool.instanceType],
              ...(pool.diskSizeGb ? { diskSize: pool.diskSizeGb } : {}),
              ...(pool.labels ? { labels: pool.labels } : {}),
              ...(pool.taints ? { taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })) } : {}),
              tags: ownershipTags(config.name, `node-group-${pool.name}`, config.tags),
            }),
            { abortSignal: op.signal },
          )
        ).nodegroup as Nodegroup,
    });
  }
  const active = await op.wait(resource, async () => {
    const n = await describeNodegroup(eks, config.name, pool.name, op.signal);
    if (!n) throw new GatiError('NOT_FOUND', `Node group "${pool.name}" disappeared while waiting for it.`, { provider: 'aws' });
    if (n.status === 'ACTIVE') return { done: true, value: n };
    if (n.status === 'CREATE_FAILED' || n.status === 'DEGRADED' || n.status === 'DELETING') {
      const issues = (n.health?.issues ?? []).map((i) => `${i.code ?? ''}: ${i.message ?? ''}`).join('; ');
      throw new GatiError('PROVIDER_ERROR', `Node group "${pool.name}" is ${n.status}${issues ? ` (${issues})` : ''}.`, { provider: 'aws' });
    }
    return { done: false, message: `node group is ${n.status ?? 'unknown'}` };
  });
  op.step(resource, 'succeeded', 'ACTIVE');
  return active;
}

export async function planEks(op: Operation, eks: EKSClient, config: ClusterConfig): Promise<PlanStep[]> {
  const cluster = await op.call('describing the cluster', () => describeCluster(eks, config.name));
  const steps: PlanStep[] = [{ kind: 'cluster', name: config.name, action: cluster ? 'exists' : 'create', detail: `EKS, Kubernetes ${config.version}` }];
  for (const pool of config.nodePools) {
    const ng = cluster ? await op.call('describing a node group', () => describeNodegroup(eks, config.name, pool.name)) : undefined;
    steps.push({ kind: 'node-pool', name: pool.name, action: ng ? 'exists' : 'create', detail: `${pool.desiredNodes} × ${pool.instanceType} (${pool.minNodes}-${pool.maxNodes})` });
  }
  return steps;
}

/** Lists node group names; empty when the cluster is gone. */
export async function listNodegroups(op: Operation, eks: EKSClient, name: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const token = nextToken;
      const out = await op.call('listing node groups', () => eks.send(new ListNodegroupsCommand({ clusterName: name, ...(token ? { nextToken: token } : {}) }), { abortSignal: op.signal }));
      names.push(...(out.nodegroups ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return [];
    throw error;
  }
  return names;
}

/** Deletes every node group (waited gone), then the cluster (waited gone); returns whether the cluster existed. */
export async function deleteEks(op: Operation, eks: EKSClient, name: string): Promise<boolean> {
  const cluster = await op.call('describing the cluster', () => describeCluster(eks, name, op.signal));
  if (!cluster) return false;
  const groups = await listNodegroups(op, eks, name);
  await Promise.all(
    groups.map(async (group) => {
      const resource = `node-group/${name}/${group}`;
      op.step(resource, 'started', 'deleting node group');
      // A node group still CREATING (or UPDATING) refuses deletion: ask again until it is accepted.
      await op.wait(resource, async () => {
        try {
          await eks.send(new DeleteNodegroupCommand({ clusterName: name, nodegroupName: group }), { abortSignal: op.signal });
        } catch (error) {
          if (isAwsError(error, 'ResourceNotFoundException')) return { done: true, value: undefined };
          if (!isAwsError(error, 'ResourceInUseException')) throw error;
          const n = await describeNodegroup(eks, name, group, op.signal);
          if (n && n.status !== 'DELETING') return { done: false, message: `node group is ${n.status ?? 'unknown'}; deletion must wait` };
        }
        return { done: true, value: undefined };
      });
      await op.wait(resource, async () => {
        const n = await describeNodegroup(eks, name, group, op.signal);
        if (!n) return { done: true, value: undefined };
        if (n.status === 'DELETE_FAILED') throw new GatiError('PROVIDER_ERROR', `Node group "${group}" failed to delete.`, { provider: 'aws' });
        return { done: false, message: `node group is ${n.status ?? 'unknown'}` };
      });
      op.step(resource, 'succeeded', 'deleted');
    }),
  );
  const resource = `eks-cluster/${name}`;
  op.step(resource, 'started', 'deleting cluster');
  await op.wait(resource, async () => {
    try {
      await eks.send(new DeleteClusterCommand({ name }), { abortSignal: op.signal });
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return { done: true, value: undefined };
      // Still CREATING/UPDATING, or DELETING already: keep waiting below.
      if (!isAwsError(error, 'ResourceInUseException')) throw error;
      const c = await describeCluster(eks, name, op.signal);
      if (c?.status !== 'DELETING') return { done: false, message: `cluster is ${c?.status ?? 'gone'}` };
    }
    return { done: true, value: undefined };
  });
  await op.wait(resource, async () => {
    const c = await describeCluster(eks, name, op.signal);
    return c ? { done: false, message: `cluster is ${c.status ?? 'unknown'}` } : { done: true, value: undefined };
  });
  op.step(resource, 'succeeded', 'deleted');
  return true;
}

/** The ClusterInfo of an EKS cluster and its node groups. */
export function toClusterInfo(cluster: Cluster, nodegroups: Nodegroup[], region: string): ClusterInfo {
  const pools: NodePoolInfo[] = nodegroups.map((n) => ({
    name: n.nodegroupName ?? '',
    instanceType: n.instanceTypes?.[0] ?? '',
    status: mapStatus(n.status),
    minNodes: n.scalingConfig?.minSize ?? 0,
    desiredNodes: n.scalingConfig?.desiredSize ?? 0,
    maxNodes: n.scalingConfig?.maxSize ?? 0,
  }));
  const tags = userTags(cluster.tags);
  return {
    name: cluster.name ?? '',
    provider: 'aws',
    status: mapStatus(cluster.status),
    ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
    version: cluster.version ?? '',
    region,
    createdAt: cluster.createdAt ?? new Date(0),
    nodePools: pools,
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
}

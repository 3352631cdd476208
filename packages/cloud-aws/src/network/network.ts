import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ModifySubnetAttributeCommand,
  type EC2Client,
  type Filter,
  type Subnet,
  type Tag,
} from '@aws-sdk/client-ec2';
import { ensure, GatiError, invalidConfigError, MANAGED_BY, ownershipTags, TAG_CLUSTER, TAG_COMPONENT, TAG_MANAGED_BY, type ClusterConfig, type Operation, type PlanStep } from '@gati-framework/core';
import { isAwsError } from '../errors/map-error.js';
import { splitCidr } from './cidr.js';

export const DEFAULT_VPC_CIDR = '192.168.0.0/16';

/** The subnets a cluster runs in, and which of them node groups use. */
export interface ClusterNetwork {
  vpcId: string;
  /** Every subnet of the cluster (control plane ENIs and load balancers). */
  subnetIds: string[];
  /** Subnets for managed node groups. */
  nodeSubnetIds: string[];
  zones: string[];
  created: boolean;
}

function tagSpec(resourceType: 'vpc' | 'subnet' | 'internet-gateway' | 'route-table', tags: Record<string, string>): { ResourceType: typeof resourceType; Tags: Tag[] }[] {
  return [{ ResourceType: resourceType, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }];
}

function ownerFilters(clusterName: string, component?: string): Filter[] {
  return [
    { Name: `tag:${TAG_CLUSTER}`, Values: [clusterName] },
    { Name: `tag:${TAG_MANAGED_BY}`, Values: [MANAGED_BY] },
    ...(component ? [{ Name: `tag:${TAG_COMPONENT}`, Values: [component] }] : []),
  ];
}

/** The zones a new VPC spans: the configured ones, else the first `count` available ones. */
async function chooseZones(op: Operation, ec2: EC2Client, config: ClusterConfig, count: number): Promise<string[]> {
  const wanted = config.network?.availabilityZones;
  const out = await op.call('listing availability zones', () =>
    ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }), { abortSignal: op.signal }),
  );
  const available = (out.AvailabilityZones ?? []).map((z) => z.ZoneName ?? '').filter(Boolean);
  if (wanted) {
    const unknown = wanted.filter((z) => !available.includes(z));
    if (unknown.length > 0) {
      throw invalidConfigError('cluster config', [{ path: 'network.availabilityZones', message: `not available in this region: ${unknown.join(', ')} (available: ${available.join(', ')})`, code: 'custom' }]);
    }
    if (new Set(wanted).size < 2) throw invalidConfigError('cluster config', [{ path: 'network.availabilityZones', message: 'EKS needs at least two availability zones', code: 'custom' }]);
    return [...new Set(wanted)];
  }
  if (available.length < 2) throw new GatiError('PROVIDER_ERROR', `The region offers ${available.length} availability zone(s); EKS needs at least two.`, { provider: 'aws' });
  return available.slice(0, count);
}

/** Checks caller-given subnets: they exist and span at least two zones. */
async function checkGivenSubnets(op: Operation, ec2: EC2Client, subnetIds: string[]): Promise<ClusterNetwork> {
  const out = await op.call('describing the given subnets', () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }), { abortSignal: op.signal })).catch((error: unknown) => {
    if (isAwsError(error, 'InvalidSubnetID.NotFound')) {
      throw invalidConfigError('cluster config', [{ path: 'network.subnetIds', message: `a subnet does not exist: ${(error as Error).message}`, code: 'custom' }]);
    }
    throw error;
  });
  const subnets = out.Subnets ?? [];
  const zones = [...new Set(subnets.map((s) => s.AvailabilityZone ?? ''))];
  if (zones.length < 2) {
    throw invalidConfigError('cluster config', [{ path: 'network.subnetIds', message: `the subnets span ${zones.length} availability zone (${zones.join(', ')}); EKS needs subnets in at least two`, code: 'custom' }]);
  }
  return { vpcId: subnets[0]?.VpcId ?? '', subnetIds: subnetIds, nodeSubnetIds: subnetIds, zones, created: false };
}

async function findVpc(op: Operation, ec2: EC2Client, clusterName: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeVpcsCommand({ Filters: ownerFilters(clusterName, 'vpc') }), { abortSignal: op.signal });
  return out.Vpcs?.[0]?.VpcId;
}

async function findSubnet(op: Operation, ec2: EC2Client, vpcId: string, clusterName: string, component: string): Promise<Subnet | undefined> {
  const out = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...ownerFilters(clusterName, component)] }), { abortSignal: op.signal });
  return out.Subnets?.[0];
}

/**
 * Uses the given subnets (checked to span ≥ 2 zones), or finds/creates the
 * cluster's own VPC: public and private subnets in each zone, tagged for
 * load balancers, an internet gateway and a public route table.
 */
export async function ensureNetwork(op: Operation, ec2: EC2Client, ec2Once: EC2Client, config: ClusterConfig, zoneCount: number): Promise<ClusterNetwork> {
  if (config.network?.subnetIds) return checkGivenSubnets(op, ec2, config.network.subnetIds);
  const name = config.name;
  const cidr = config.network?.cidrBlock ?? DEFAULT_VPC_CIDR;
  const zones = await chooseZones(op, ec2, config, zoneCount);
  // Before anything is created: a block too small for the subnets is INVALID_CONFIG.
  const blocks = splitCidr(cidr, zones.length * 2);
  const userTags = config.tags ?? {};
  const vpcResource = `vpc/${name}`;
  op.step(vpcResource, 'started', `ensuring VPC ${cidr} across ${zones.join(', ')}`);
  const { value: vpcId, created } = await ensure(op, {
    what: `creating the VPC of ${name}`,
    resource: vpcResource,
    find: () => findVpc(op, ec2, name),
    create: async () =>
      (await ec2Once.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tagSpec('vpc', { Name: `${name}-vpc`, ...ownershipTags(name, 'vpc', userTags) }) }), { abortSignal: op.signal })).Vpc
        ?.VpcId ?? '',
  });
  op.step(vpcResource, 'succeeded', `${created ? 'created' : 'reused'} ${vpcId}`);

  const publicIds: string[] = [];
  const privateIds: string[] = [];
  for (const [i, zone] of zones.entries()) {
    for (const kind of ['public', 'private'] as const) {
      const component = `subnet-${kind}-${zone}`;
      const block = blocks[kind === 'public' ? i : zones.length + i] ?? '';
      const resource = `subnet/${name}-${kind}-${zone}`;
      op.step(resource, 'started', `ensuring ${kind} subnet ${block} in ${zone}`);
      const tags = {
        Name: `${name}-${kind}-${zone}`,
        ...ownershipTags(name, component, userTags),
        [`kubernetes.io/cluster/${name}`]: 'owned',
        [kind === 'public' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb']: '1',
      };
      const { value: subnet, created: subnetCreated } = await ensure(op, {
        what: `creating subnet ${component}`,
        resource,
        find: () => findSubnet(op, ec2, vpcId, name, component),
        create: async () =>
          (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: block, AvailabilityZone: zone, TagSpecifications: tagSpec('subnet', tags) }), { abortSignal: op.signal })).Subnet as Subnet,
      });
      const id = subnet.SubnetId ?? '';
      if (kind === 'public' && !subnet.MapPublicIpOnLaunch) {
        await op.call(`enabling public IPs on ${id}`, () => ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } }), { abortSignal: op.signal }), resource);
      }
      (kind === 'public' ? publicIds : privateIds).push(id);
      op.step(resource, 'succeeded', `${subnetCreated ? 'created' : 'reused'} ${id}`);
    }
  }
  await ensurePublicRouting(op, ec2, ec2Once, name, vpcId, publicIds, userTags);
  const nodeSubnetIds = config.network?.privateNetworking ? privateIds : publicIds;
  return { vpcId, subnetIds: [...publicIds, ...privateIds], nodeSubnetIds, zones, created };
}

/** An internet gateway and a route table sending 0.0.0.0/0 to it, associated with the public subnets. */
async function ensurePublicRouting(op: Operation, ec2: EC2Client, ec2Once: EC2Client, name: string, vpcId: string, publicIds: string[], userTags: Record<string, string>): Promise<void> {
  const igwResource = `internet-gateway/${name}`;
  op.step(igwResource, 'started', 'ensuring internet gateway');
  const { value: igwId } = await ensure(op, {
    what: `creating the internet gateway of ${name}`,
    resource: igwResource,
    find: async () => (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: ownerFilters(name, 'internet-gateway') }), { abortSignal: op.signal })).InternetGateways?.[0]?.InternetGatewayId,
    create: async () =>
      (await ec2Once.send(new CreateInternetGatewayCommand({ TagSpecifications: tagSpec('internet-gateway', { Name: `${name}-igw`, ...ownershipTags(name, 'internet-gateway', userTags) }) }), { abortSignal: op.signal }))
        .InternetGateway?.InternetGatewayId ?? '',
  });
  const igw = (await op.call('describing the internet gateway', () => ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igwId] }), { abortSignal: op.signal }), igwResource))
    .InternetGateways?.[0];
  if (!igw?.Attachments?.some((a) => a.VpcId === vpcId)) {
    await op.change('attaching the internet gateway', () => ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }), { abortSignal: op.signal }), igwResource);
  }
  op.step(igwResource, 'succeeded', igwId);

  const rtResource = `route-table/${name}-public`;
  op.step(rtResource, 'started', 'ensuring public route table');
  const { value: rtId } = await ensure(op, {
    what: `creating the public route table of ${name}`,
    resource: rtResource,
    find: async () => (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...ownerFilters(name, 'route-table-public')] }), { abortSignal: op.signal })).RouteTables?.[0]?.RouteTableId,
    create: async () =>
      (await ec2Once.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: tagSpec('route-table', { Name: `${name}-public`, ...ownershipTags(name, 'route-table-public', userTags) }) }), { abortSignal: op.signal }))
        .RouteTable?.RouteTableId ?? '',
  });
  const table = (await op.call('describing the route table', () => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtId] }), { abortSignal: op.signal }), rtResource)).RouteTables?.[0];
  if (!table?.Routes?.some((r) => r.DestinationCidrBlock === '0.0.0.0/0')) {
    await op.change('adding the default route', () => ec2.send(new CreateRouteCommand({ RouteTableId: rtId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }), { abortSignal: op.signal }), rtResource);
  }
  const associated = new Set((table?.Associations ?? []).map((a) => a.SubnetId));
  for (const subnetId of publicIds) {
    if (associated.has(subnetId)) continue;
    await op.change(`associating ${subnetId} with the public route table`, () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtId, SubnetId: subnetId }), { abortSignal: op.signal }), rtResource);
  }
  op.step(rtResource, 'succeeded', rtId);
}

export async function planNetwork(op: Operation, ec2: EC2Client, config: ClusterConfig): Promise<PlanStep[]> {
  if (config.network?.subnetIds) {
    const net = await checkGivenSubnets(op, ec2, config.network.subnetIds);
    return [{ kind: 'network', name: net.vpcId, action: 'exists', detail: `given subnets in ${net.zones.join(', ')}` }];
  }
  const vpcId = await op.call('looking up the VPC', () => findVpc(op, ec2, config.name));
  const cidr = config.network?.cidrBlock ?? DEFAULT_VPC_CIDR;
  return [{ kind: 'network', name: vpcId ?? `${config.name}-vpc`, action: vpcId ? 'exists' : 'create', detail: `VPC ${cidr} with public and private subnets per zone` }];
}

/** Deletes the VPC Gati created for the cluster (found by tags) and everything in it; returns whether one existed. */
export async function deleteOwnedNetwork(op: Operation, ec2: EC2Client, name: string): Promise<boolean> {
  const vpcs = (await op.call('looking up the VPC', () => ec2.send(new DescribeVpcsCommand({ Filters: ownerFilters(name, 'vpc') }), { abortSignal: op.signal }))).Vpcs ?? [];
  const igws = (await op.call('looking up internet gateways', () => ec2.send(new DescribeInternetGatewaysCommand({ Filters: ownerFilters(name, 'internet-gateway') }), { abortSignal: op.signal }))).InternetGateways ?? [];
  for (const vpc of vpcs) {
    const vpcId = vpc.VpcId ?? '';
    const resource = `vpc/${name}`;
    op.step(resource, 'started', `deleting ${vpcId} and its subnets`);
    const tables = (await op.call('listing route tables', () => ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), { abortSignal: op.signal }), resource)).RouteTables ?? [];
    for (const table of tables) {
      if (table.Associations?.some((a) => a.Main)) continue;
      for (const a of table.Associations ?? []) {
        await op
          .call('disassociating a route table', () => ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId }), { abortSignal: op.signal }), resource)
          .catch(ignore('InvalidAssociationID.NotFound'));
      }
      await op.call('deleting a route table', () => ec2.send(new DeleteRouteTableCommand({ RouteTableId: table.RouteTableId }), { abortSignal: op.signal }), resource).catch(ignore('InvalidRouteTableID.NotFound'));
    }
    for (const igw of igws) {
      if (igw.Attachments?.some((a) => a.VpcId === vpcId)) {
        await op
          .call('detaching the internet gateway', () => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpcId }), { abortSignal: op.signal }), resource)
          .catch(ignore('Gateway.NotAttached'));
      }
    }
    const subnets = (await op.call('listing subnets', () => ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), { abortSignal: op.signal }), resource)).Subnets ?? [];
    for (const subnet of subnets) {
      // Network interfaces of a just-deleted cluster linger for a while: DependencyViolation is worth waiting out.
      await op.wait(`subnet/${subnet.SubnetId ?? ''}`, async () => {
        try {
          await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }), { abortSignal: op.signal });
        } catch (error) {
          if (isAwsError(error, 'InvalidSubnetID.NotFound')) return { done: true, value: undefined };
          if (isAwsError(error, 'DependencyViolation')) return { done: false, message: 'subnet still has network interfaces' };
          throw error;
        }
        return { done: true, value: undefined };
      });
    }
    await op.wait(resource, async () => {
      try {
        await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }), { abortSignal: op.signal });
      } catch (error) {
        if (isAwsError(error, 'InvalidVpcID.NotFound')) return { done: true, value: undefined };
        if (isAwsError(error, 'DependencyViolation')) return { done: false, message: 'VPC still has dependencies' };
        throw error;
      }
      return { done: true, value: undefined };
    });
    op.step(resource, 'succeeded', `deleted ${vpcId}`);
  }
  for (const igw of igws) {
    await op
      .call('deleting the internet gateway', () => ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }), { abortSignal: op.signal }), `internet-gateway/${name}`)
      .catch(ignore('InvalidInternetGatewayID.NotFound'));
  }
  return vpcs.length > 0 || igws.length > 0;
}

function ignore(...names: string[]): (error: unknown) => void {
  return (error) => {
    if (!isAwsError(error, ...names)) throw error;
  };
}


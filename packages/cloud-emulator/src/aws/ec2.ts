import { cidrContains, cidrOverlaps, parseCidr } from '@gati-framework/core';
import { ec2Id, type AwsContext } from './context.js';
import {
  globMatch,
  igwAttr,
  igwXml,
  routeTableAttr,
  routeTableXml,
  subnetAttr,
  subnetXml,
  tagAttr,
  vpcAttr,
  vpcXml,
  zoneIdOf,
  type Attr,
  type InternetGatewayRecord,
  type Resource,
  type RouteTableRecord,
  type SubnetRecord,
  type VpcRecord,
} from './ec2-shapes.js';
import { AwsApiError, type QueryParams, type HandlerResult } from './wire.js';

export type { InternetGatewayRecord, RouteTableRecord, SubnetRecord, VpcRecord } from './ec2-shapes.js';

/** VPCs, subnets, internet gateways, route tables and tags (EC2 query protocol). */
export class Ec2Service {
  readonly vpcs = new Map<string, VpcRecord>();
  readonly subnets = new Map<string, SubnetRecord>();
  readonly internetGateways = new Map<string, InternetGatewayRecord>();
  readonly routeTables = new Map<string, RouteTableRecord>();
  /** Set by the emulator: true while an EKS cluster or node group still uses the subnet. */
  subnetInUse: (subnetId: string) => boolean = () => false;

  constructor(private readonly ctx: AwsContext) {}

  zoneId(zone: string): string {
    return zoneIdOf(this.ctx, zone);
  }

  handle(action: string, p: QueryParams): HandlerResult {
    switch (action) {
      case 'DescribeAvailabilityZones':
        return this.describeAvailabilityZones(p);
      case 'CreateVpc':
        return { vpc: vpcXml(this.ctx, this.createVpc(p)) };
      case 'DescribeVpcs':
        return { vpcSet: this.describe(this.vpcs, p, 'VpcId', 'InvalidVpcID.NotFound', (r) => vpcAttr(this.ctx, r)).map((v) => vpcXml(this.ctx, v)) };
      case 'DeleteVpc':
        this.deleteVpc(p.required('VpcId'));
        return { return: true };
      case 'CreateSubnet':
        return { subnet: subnetXml(this.ctx, this.createSubnet(p)) };
      case 'DescribeSubnets':
        return { subnetSet: this.describe(this.subnets, p, 'SubnetId', 'InvalidSubnetID.NotFound', (r) => subnetAttr(this.ctx, r)).map((s) => subnetXml(this.ctx, s)) };
      case 'ModifySubnetAttribute': {
        const subnet = this.require(this.subnets, p.required('SubnetId'), 'InvalidSubnetID.NotFound', 'subnet');
        const v = p.get('MapPublicIpOnLaunch.Value');
        if (v !== undefined) subnet.mapPublicIpOnLaunch = v === 'true';
        return { return: true };
      }
      case 'DeleteSubnet': {
        const id = p.required('SubnetId');
        this.require(this.subnets, id, 'InvalidSubnetID.NotFound', 'subnet');
        if (this.subnetInUse(id)) throw new AwsApiError('DependencyViolation', `The subnet '${id}' has dependencies and cannot be deleted.`);
        for (const rt of this.routeTables.values()) rt.associations = rt.associations.filter((a) => a.subnetId !== id);
        this.subnets.delete(id);
        return { return: true };
      }
      case 'CreateTags':
      case 'DeleteTags':
        return this.changeTags(action, p);
      case 'CreateInternetGateway': {
        const igw: InternetGatewayRecord = { id: ec2Id('igw'), tags: this.tagSpec(p, 'internet-gateway') };
        this.internetGateways.set(igw.id, igw);
        return { internetGateway: igwXml(this.ctx, igw) };
      }
      case 'DescribeInternetGateways':
        return {
          internetGatewaySet: this.describe(this.internetGateways, p, 'InternetGatewayId', 'InvalidInternetGatewayID.NotFound', (r) => igwAttr(this.ctx, r)).map((g) => igwXml(this.ctx, g)),
        };
      case 'AttachInternetGateway': {
        const igw = this.require(this.internetGateways, p.required('InternetGatewayId'), 'InvalidInternetGatewayID.NotFound', 'internet gateway');
        const vpc = this.require(this.vpcs, p.required('VpcId'), 'InvalidVpcID.NotFound', 'vpc');
        if (igw.vpcId) throw new AwsApiError('Resource.AlreadyAssociated', `resource ${igw.id} is already attached to network ${igw.vpcId}`);
        if ([...this.internetGateways.values()].some((g) => g.vpcId === vpc.id)) {
          throw new AwsApiError('InvalidParameterValue', `Network ${vpc.id} already has an internet gateway attached`);
        }
        igw.vpcId = vpc.id;
        return { return: true };
      }
      case 'DetachInternetGateway': {
        const igw = this.require(this.internetGateways, p.required('InternetGatewayId'), 'InvalidInternetGatewayID.NotFound', 'internet gateway');
        const vpcId = p.required('VpcId');
        if (igw.vpcId !== vpcId) throw new AwsApiError('Gateway.NotAttached', `resource ${igw.id} is not attached to network ${vpcId}`);
        delete igw.vpcId;
        return { return: true };
      }
      case 'DeleteInternetGateway': {
        const igw = this.require(this.internetGateways, p.required('InternetGatewayId'), 'InvalidInternetGatewayID.NotFound', 'internet gateway');
        if (igw.vpcId) throw new AwsApiError('DependencyViolation', `The internetGateway '${igw.id}' has dependencies and cannot be deleted.`);
        this.internetGateways.delete(igw.id);
        return { return: true };
      }
      case 'CreateRouteTable': {
        const vpc = this.require(this.vpcs, p.required('VpcId'), 'InvalidVpcID.NotFound', 'vpc');
        const rt = this.newRouteTable(vpc, false, this.tagSpec(p, 'route-table'));
        return { routeTable: routeTableXml(this.ctx, rt) };
      }
      case 'DescribeRouteTables':
        return { routeTableSet: this.describe(this.routeTables, p, 'RouteTableId', 'InvalidRouteTableID.NotFound', (r) => routeTableAttr(this.ctx, r)).map((t) => routeTableXml(this.ctx, t)) };
      case 'CreateRoute': {
        const rt = this.require(this.routeTables, p.required('RouteTableId'), 'InvalidRouteTableID.NotFound', 'route table');
        const destination = p.required('DestinationCidrBlock');
        const gatewayId = p.required('GatewayId');
        const igw = this.require(this.internetGateways, gatewayId, 'InvalidGatewayID.NotFound', 'gateway');
        if (igw.vpcId !== rt.vpcId) throw new AwsApiError('InvalidParameterValue', `route table ${rt.id} and network gateway ${igw.id} belong to different networks`);
        if (rt.routes.some((r) => r.destinationCidrBlock === destination)) {
          throw new AwsApiError('RouteAlreadyExists', `The route identified by ${destination} already exists.`);
        }
        rt.routes.push({ destinationCidrBlock: destination, gatewayId, origin: 'CreateRoute' });
        return { return: true };
      }
      case 'AssociateRouteTable': {
        const rt = this.require(this.routeTables, p.required('RouteTableId'), 'InvalidRouteTableID.NotFound', 'route table');
        const subnet = this.require(this.subnets, p.required('SubnetId'), 'InvalidSubnetID.NotFound', 'subnet');
        if (subnet.vpcId !== rt.vpcId) throw new AwsApiError('InvalidParameterValue', `Route table ${rt.id} and subnet ${subnet.id} belong to different networks`);
        for (const other of this.routeTables.values()) {
          if (other.associations.some((a) => a.subnetId === subnet.id)) throw new AwsApiError('Resource.AlreadyAssociated', `the specified association for route table ${other.id} conflicts with an existing association`);
        }
        const association = { id: ec2Id('rtbassoc'), subnetId: subnet.id };
        rt.associations.push(association);
        return { associationId: association.id, associationState: { state: 'associated' } };
      }
      case 'DisassociateRouteTable': {
        const id = p.required('AssociationId');
        const rt = [...this.routeTables.values()].find((t) => t.associations.some((a) => a.id === id));
        if (!rt) throw new AwsApiError('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
        rt.associations = rt.associations.filter((a) => a.id !== id);
        return { return: true };
      }
      case 'DeleteRouteTable': {
        const rt = this.require(this.routeTables, p.required('RouteTableId'), 'InvalidRouteTableID.NotFound', 'route table');
        if (rt.main || rt.associations.length > 0) throw new AwsApiError('DependencyViolation', `The routeTable '${rt.id}' has dependencies and cannot be deleted.`);
        this.routeTables.delete(rt.id);
        return { return: true };
      }
      default:
        throw new AwsApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private describeAvailabilityZones(p: QueryParams): HandlerResult {
    const names = p.list('ZoneName');
    for (const n of names) {
      if (!this.ctx.availabilityZones.includes(n)) throw new AwsApiError('InvalidParameterValue', `The zone '${n}' does not exist.`);
    }
    const zones = this.ctx.availabilityZones.filter((z) => names.length === 0 || names.includes(z));
    const filters = this.filters(p);
    const matching = zones.filter((z) =>
      filters.every(({ name, values }) => {
        const attr = name === 'zone-name' ? [z] : name === 'state' ? ['available'] : name === 'region-name' ? [this.ctx.region] : name === 'zone-id' ? [this.zoneId(z)] : undefined;
        if (!attr) throw new AwsApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
        return attr.some((a) => values.some((v) => globMatch(v, a)));
      }),
    );
    return {
      availabilityZoneInfo: matching.map((zoneName) => ({
        zoneName,
        zoneState: 'available',
        regionName: this.ctx.region,
        zoneId: this.zoneId(zoneName),
        zoneType: 'availability-zone',
        optInStatus: 'opt-in-not-required',
        groupName: this.ctx.region,
        networkBorderGroup: this.ctx.region,
        messageSet: [],
      })),
    };
  }

  private createVpc(p: QueryParams): VpcRecord {
    const cidrBlock = p.required('CidrBlock');
    const cidr = parseCidr(cidrBlock);
    if (!cidr) throw new AwsApiError('InvalidParameterValue', `Value (${cidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
    if (cidr.prefix < 16 || cidr.prefix > 28) throw new AwsApiError('InvalidVpc.Range', `The CIDR '${cidrBlock}' is invalid.`);
    if (this.vpcs.size >= 5) throw new AwsApiError('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
    const vpc: VpcRecord = { id: ec2Id('vpc'), cidrBlock, tags: this.tagSpec(p, 'vpc'), mainRouteTableId: '' };
    this.vpcs.set(vpc.id, vpc);
    vpc.mainRouteTableId = this.newRouteTable(vpc, true, {}).id;
    return vpc;
  }

  private newRouteTable(vpc: VpcRecord, main: boolean, tags: Record<string, string>): RouteTableRecord {
    const rt: RouteTableRecord = { id: ec2Id('rtb'), vpcId: vpc.id, main, tags, routes: [{ destinationCidrBlock: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }], associations: [] };
    this.routeTables.set(rt.id, rt);
    return rt;
  }

  private deleteVpc(id: string): void {
    const vpc = this.require(this.vpcs, id, 'InvalidVpcID.NotFound', 'vpc');
    const dependent =
      [...this.subnets.values()].some((s) => s.vpcId === id) ||
      [...this.internetGateways.values()].some((g) => g.vpcId === id) ||
      [...this.routeTables.values()].some((t) => t.vpcId === id && !t.main);
    if (dependent) throw new AwsApiError('DependencyViolation', `The vpc '${id}' has dependencies and cannot be deleted.`);
    this.routeTables.delete(vpc.mainRouteTableId);
    this.vpcs.delete(id);
  }

  private createSubnet(p: QueryParams): SubnetRecord {
    const vpc = this.require(this.vpcs, p.required('VpcId'), 'InvalidVpcID.NotFound', 'vpc');
    const cidrBlock = p.required('CidrBlock');
    const cidr = parseCidr(cidrBlock);
    const vpcCidr = parseCidr(vpc.cidrBlock);
    if (!cidr || !vpcCidr || !cidrContains(vpcCidr, cidr) || cidr.prefix > 28) throw new AwsApiError('InvalidSubnet.Range', `The CIDR '${cidrBlock}' is invalid.`);
    for (const s of this.subnets.values()) {
      const other = parseCidr(s.cidrBlock);
      if (s.vpcId === vpc.id && other && cidrOverlaps(other, cidr)) throw new AwsApiError('InvalidSubnet.Conflict', `The CIDR '${cidrBlock}' conflicts with another subnet`);
    }
    const zone = p.get('AvailabilityZone') ?? this.ctx.availabilityZones[0] ?? '';
    if (!this.ctx.availabilityZones.includes(zone)) {
      throw new AwsApiError('InvalidParameterValue', `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${this.ctx.availabilityZones.join(', ')}.`);
    }
    const subnet: SubnetRecord = { id: ec2Id('subnet'), vpcId: vpc.id, cidrBlock, availabilityZone: zone, mapPublicIpOnLaunch: false, tags: this.tagSpec(p, 'subnet') };
    this.subnets.set(subnet.id, subnet);
    return subnet;
  }

  private changeTags(action: string, p: QueryParams): HandlerResult {
    const ids = p.list('ResourceId');
    if (ids.length === 0) throw new AwsApiError('MissingParameter', "The request must contain the parameter resourceIdSet");
    const resources = ids.map((id) => {
      const r: Resource | undefined = this.vpcs.get(id) ?? this.subnets.get(id) ?? this.internetGateways.get(id) ?? this.routeTables.get(id);
      if (!r) {
        const kind = id.split('-')[0] ?? 'resource';
        const code = { vpc: 'InvalidVpcID.NotFound', subnet: 'InvalidSubnetID.NotFound', igw: 'InvalidInternetGatewayID.NotFound', rtb: 'InvalidRouteTableID.NotFound' }[kind] ?? 'InvalidID';
        throw new AwsApiError(code, `The ID '${id}' does not exist`);
      }
      return r;
    });
    for (const r of resources) {
      for (const i of p.indexes('Tag')) {
        const key = p.get(`Tag.${i}.Key`);
        if (key === undefined) continue;
        if (action === 'CreateTags') r.tags[key] = p.get(`Tag.${i}.Value`) ?? '';
        else delete r.tags[key];
      }
      if (Object.keys(r.tags).length > 50) throw new AwsApiError('TagLimitExceeded', 'The maximum number of tags for a resource has been reached.');
    }
    return { return: true };
  }

  /** Tags of `TagSpecification.N` entries for `resourceType`. */
  private tagSpec(p: QueryParams, resourceType: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const i of p.indexes('TagSpecification')) {
      const type = p.get(`TagSpecification.${i}.ResourceType`);
      if (type !== resourceType) throw new AwsApiError('InvalidParameterValue', `'${type ?? ''}' is not a valid taggable resource type for this operation.`);
      Object.assign(tags, p.tags(`TagSpecification.${i}.Tag`));
    }
    return tags;
  }

  private filters(p: QueryParams): { name: string; values: string[] }[] {
    return p.indexes('Filter').map((i) => ({ name: p.get(`Filter.${i}.Name`) ?? '', values: p.list(`Filter.${i}.Value`) }));
  }

  private describe<T extends Resource>(map: Map<string, T>, p: QueryParams, idParam: string, notFound: string, attr: (r: T) => Attr): T[] {
    const ids = p.list(idParam);
    for (const id of ids) if (!map.has(id)) throw new AwsApiError(notFound, `The ${idParam.replace(/Id$/, '')} ID '${id}' does not exist`);
    const filters = this.filters(p);
    return [...map.values()].filter((r) => {
      if (ids.length > 0 && !ids.includes(r.id)) return false;
      const get = attr(r);
      return filters.every(({ name, values }) => {
        const actual = tagAttr(r, name) ?? get(name);
        if (actual === undefined) throw new AwsApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
        return actual.some((a) => values.some((v) => globMatch(v, a)));
      });
    });
  }

  private require<T>(map: Map<string, T>, id: string, code: string, what: string): T {
    const r = map.get(id);
    if (!r) throw new AwsApiError(code, `The ${what} ID '${id}' does not exist`);
    return r;
  }
}

import { cidrSize, parseCidr } from '@gati-framework/core';
import type { AwsContext } from './context.js';

/* The EC2 resources' records, filter attributes and XML shapes (what DescribeX answers). */

export interface Tagged {
  tags: Record<string, string>;
}
export interface VpcRecord extends Tagged {
  id: string;
  cidrBlock: string;
  mainRouteTableId: string;
}
export interface SubnetRecord extends Tagged {
  id: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  mapPublicIpOnLaunch: boolean;
}
export interface InternetGatewayRecord extends Tagged {
  id: string;
  vpcId?: string;
}
export interface RouteTableRecord extends Tagged {
  id: string;
  vpcId: string;
  main: boolean;
  routes: { destinationCidrBlock: string; gatewayId: string; origin: string }[];
  associations: { id: string; subnetId: string }[];
}

export type Resource = VpcRecord | SubnetRecord | InternetGatewayRecord | RouteTableRecord;
export type Attr = (name: string) => string[] | undefined;

export function tagSet(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** Filter names every taggable resource understands. */
export function tagAttr(r: Tagged, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const v = r.tags[name.slice(4)];
    return v === undefined ? [] : [v];
  }
  if (name === 'tag-key') return Object.keys(r.tags);
  if (name === 'tag-value') return Object.values(r.tags);
  return undefined;
}

export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** The zone id (`use1-az1`) of a zone name, as EC2 numbers them. */
export function zoneIdOf(ctx: AwsContext, zone: string): string {
  const index = ctx.availabilityZones.indexOf(zone);
  const short = ctx.region.replace(/^(\w)\w*-(\w)\w*-(\d+)$/, '$1$2$3');
  return `${short}-az${index + 1}`;
}

export function vpcAttr(ctx: AwsContext, v: VpcRecord): Attr {
  return (name) => ({ 'vpc-id': [v.id], 'cidr': [v.cidrBlock], 'cidr-block': [v.cidrBlock], state: ['available'], 'is-default': ['false'], 'owner-id': [ctx.accountId] })[name];
}

export function subnetAttr(ctx: AwsContext, s: SubnetRecord): Attr {
  return (name) =>
    ({
      'subnet-id': [s.id],
      'vpc-id': [s.vpcId],
      'cidr-block': [s.cidrBlock],
      'availability-zone': [s.availabilityZone],
      'availability-zone-id': [zoneIdOf(ctx, s.availabilityZone)],
      state: ['available'],
      'map-public-ip-on-launch': [String(s.mapPublicIpOnLaunch)],
      'default-for-az': ['false'],
    })[name];
}

export function igwAttr(ctx: AwsContext, g: InternetGatewayRecord): Attr {
  return (name) => ({ 'internet-gateway-id': [g.id], 'attachment.vpc-id': g.vpcId ? [g.vpcId] : [], 'attachment.state': g.vpcId ? ['available'] : [] })[name];
}

export function routeTableAttr(ctx: AwsContext, t: RouteTableRecord): Attr {
  return (name) =>
    ({
      'route-table-id': [t.id],
      'vpc-id': [t.vpcId],
      'association.main': [String(t.main)],
      'association.subnet-id': t.associations.map((a) => a.subnetId),
      'association.route-table-association-id': t.associations.map((a) => a.id),
    })[name];
}

export function vpcXml(ctx: AwsContext, v: VpcRecord): Record<string, unknown> {
  return {
    vpcId: v.id,
    ownerId: ctx.accountId,
    state: 'available',
    cidrBlock: v.cidrBlock,
    cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-${v.id.slice(4)}`, cidrBlock: v.cidrBlock, cidrBlockState: { state: 'associated' } }],
    dhcpOptionsId: 'dopt-00000000',
    instanceTenancy: 'default',
    isDefault: false,
    tagSet: tagSet(v.tags),
  };
}

export function subnetXml(ctx: AwsContext, s: SubnetRecord): Record<string, unknown> {
  const cidr = parseCidr(s.cidrBlock);
  return {
    subnetId: s.id,
    subnetArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:subnet/${s.id}`,
    state: 'available',
    vpcId: s.vpcId,
    cidrBlock: s.cidrBlock,
    availableIpAddressCount: cidr ? cidrSize(cidr) - 5 : 0,
    availabilityZone: s.availabilityZone,
    availabilityZoneId: zoneIdOf(ctx, s.availabilityZone),
    defaultForAz: false,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    ownerId: ctx.accountId,
    tagSet: tagSet(s.tags),
  };
}

export function igwXml(ctx: AwsContext, g: InternetGatewayRecord): Record<string, unknown> {
  return { internetGatewayId: g.id, ownerId: ctx.accountId, attachmentSet: g.vpcId ? [{ vpcId: g.vpcId, state: 'available' }] : [], tagSet: tagSet(g.tags) };
}

export function routeTableXml(ctx: AwsContext, t: RouteTableRecord): Record<string, unknown> {
  return {
    routeTableId: t.id,
    vpcId: t.vpcId,
    ownerId: ctx.accountId,
    routeSet: t.routes.map((r) => ({ destinationCidrBlock: r.destinationCidrBlock, gatewayId: r.gatewayId, state: 'active', origin: r.origin })),
    associationSet: [
      ...(t.main ? [{ routeTableAssociationId: `rtbassoc-main${t.id.slice(4, 12)}`, routeTableId: t.id, main: true, associationState: { state: 'associated' } }] : []),
      ...t.associations.map((a) => ({ routeTableAssociationId: a.id, routeTableId: t.id, subnetId: a.subnetId, main: false, associationState: { state: 'associated' } })),
    ],
    tagSet: tagSet(t.tags),
  };
}

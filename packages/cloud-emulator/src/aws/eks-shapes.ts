import { createHash } from 'node:crypto';
import type { LifecycleState } from '../common/state-clock.js';

/* EKS records, request-field readers and the JSON shapes DescribeCluster/DescribeNodegroup answer. */
export interface ClusterRecord {
  name: string;
  arn: string;
  version: string;
  roleArn: string;
  subnetIds: string[];
  securityGroupIds: string[];
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  logging: unknown;
  tags: Record<string, string>;
  clientRequestToken?: string;
  createdAt: number;
  endpoint: string;
  caPem: string;
  attached: boolean;
}

export interface NodegroupRecord {
  clusterName: string;
  name: string;
  arn: string;
  version: string;
  nodeRole: string;
  subnets: string[];
  instanceTypes: string[];
  diskSize: number;
  scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  capacityType: string;
  amiType: string;
  tags: Record<string, string>;
  clientRequestToken?: string;
  createdAt: number;
}

export const SUPPORTED_VERSIONS = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33'];
export const TAINT_EFFECTS = ['NO_SCHEDULE', 'PREFER_NO_SCHEDULE', 'NO_EXECUTE'];

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function record(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
}

/**
 * CA data for a cluster emulated without a Kubernetes API (`kubernetes: false`): PEM-framed bytes
 * derived from the name, since no server exists to present a certificate; with the Kubernetes
 * backend, the cluster's real CA is used instead.
 */
export function detachedClusterCa(name: string): string {
  const body = createHash('sha512').update(name).digest('base64').repeat(4).replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** DescribeCluster's `cluster` as EKS answers it; endpoint, CA and identity appear once the cluster is ACTIVE. */
export function clusterJson(c: ClusterRecord, status: LifecycleState, vpcId: string | undefined, region: string): Record<string, unknown> {
  const ready = status === 'ACTIVE' || status === 'DELETING';
  return {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt / 1000,
    version: c.version,
    ...(ready ? { endpoint: c.endpoint, certificateAuthority: { data: Buffer.from(c.caPem).toString('base64') } } : {}),
    roleArn: c.roleArn,
    resourcesVpcConfig: {
      subnetIds: c.subnetIds,
      securityGroupIds: c.securityGroupIds,
      clusterSecurityGroupId: ready ? `sg-${createHash('sha1').update(c.arn).digest('hex').slice(0, 17)}` : undefined,
      vpcId,
      endpointPublicAccess: c.endpointPublicAccess,
      endpointPrivateAccess: c.endpointPrivateAccess,
      publicAccessCidrs: c.endpointPublicAccess ? ['0.0.0.0/0'] : [],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
    logging: c.logging,
    ...(ready ? { identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/${createHash('md5').update(c.arn).digest('hex').toUpperCase()}` } } } : {}),
    status,
    platformVersion: 'eks.1',
    tags: c.tags,
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
  };
}

/** DescribeNodegroup's `nodegroup` as EKS answers it. */
export function nodegroupJson(n: NodegroupRecord, status: LifecycleState): Record<string, unknown> {
  return {
    nodegroupName: n.name,
    nodegroupArn: n.arn,
    clusterName: n.clusterName,
    version: n.version,
    releaseVersion: `${n.version}.0-20250101`,
    createdAt: n.createdAt / 1000,
    modifiedAt: n.createdAt / 1000,
    status,
    capacityType: n.capacityType,
    scalingConfig: n.scalingConfig,
    instanceTypes: n.instanceTypes,
    subnets: n.subnets,
    amiType: n.amiType,
    nodeRole: n.nodeRole,
    labels: n.labels,
    taints: n.taints,
    diskSize: n.diskSize,
    health: { issues: [] },
    resources: status === 'ACTIVE' ? { autoScalingGroups: [{ name: `eks-${n.name}-${n.arn.slice(-36)}` }] } : undefined,
    tags: n.tags,
  };
}

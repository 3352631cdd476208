import type { AwsEmulator } from '@gati-framework/cloud-emulator/aws';
import { isGatiError, type ClusterConfigInput, type GatiError, type ProgressEvent } from '@gati-framework/core';
import { expectGatiError } from '@gati-framework/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AWSCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

const cluster = (name: string): ClusterConfigInput => ({
  name,
  version: '1.31',
  nodePools: [
    { name: 'general', instanceType: 'm5.large', minNodes: 1, desiredNodes: 2, maxNodes: 3, diskSizeGb: 50, labels: { tier: 'web' } },
    { name: 'batch', instanceType: 'c5.xlarge', minNodes: 0, desiredNodes: 1, maxNodes: 5, taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }, { key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }, { key: 'x', value: 'y', effect: 'NoExecute' }] },
  ],
  tags: { team: 'platform' },
});

let emu: AwsEmulator;
let provider: AWSCloudProvider;

async function newProvider(extra = {}): Promise<AWSCloudProvider> {
  const p = new AWSCloudProvider();
  await p.initialize(providerConfig(emu, extra));
  return p;
}

/** What one healthy cluster with a Gati-made VPC over 3 zones amounts to. */
function expectOneCluster(name: string): void {
  const inv = emu.inventory();
  expect(inv.clusters).toEqual([name]);
  expect(inv.nodegroups.sort()).toEqual([`${name}/batch`, `${name}/general`]);
  expect(inv.roles.sort()).toEqual([`gati-${name}-us-east-1-cluster`, `gati-${name}-us-east-1-node`]);
  expect(inv.vpcs).toHaveLength(1);
  expect(inv.subnets).toHaveLength(6);
  expect(inv.internetGateways).toHaveLength(1);
  expect(inv.routeTables).toHaveLength(1);
}

function expectEmpty(): void {
  const inv = emu.inventory();
  expect({ ...inv, secretsScheduledForDeletion: [] }).toEqual({
    clusters: [],
    nodegroups: [],
    roles: [],
    vpcs: [],
    subnets: [],
    internetGateways: [],
    routeTables: [],
    secrets: [],
    secretsScheduledForDeletion: [],
  });
}

beforeEach(async () => {
  emu = await startEmulator();
  provider = await newProvider();
});
afterEach(async () => {
  await provider.close();
  await emu.close();
});

describe('AWSCloudProvider against the AWS emulator', () => {
  it('builds roles, a 3-zone VPC with ELB-tagged subnets, the cluster and mapped node groups; delete leaves nothing', async () => {
    const events: ProgressEvent[] = [];
    const info = await provider.createCluster(cluster('shop'), { onProgress: (e) => events.push(e) });
    expect(info).toMatchObject({ name: 'shop', provider: 'aws', status: 'ACTIVE', version: '1.31', region: 'us-east-1', tags: { team: 'platform' } });
    expectOneCluster('shop');
    const resources = new Set(events.map((e) => e.resource.split('/')[0]));
    for (const r of ['cluster', 'iam-role', 'vpc', 'subnet', 'internet-gateway', 'route-table', 'eks-cluster', 'node-group']) expect(resources.has(r), r).toBe(true);

    const roles = [...emu.iam.roles.values()];
    const clusterRole = roles.find((r) => r.name.endsWith('-cluster'));
    const nodeRole = roles.find((r) => r.name.endsWith('-node'));
    expect(JSON.parse(clusterRole?.assumeRolePolicyDocument ?? '{}').Statement[0].Principal.Service).toBe('eks.amazonaws.com');
    expect([...(clusterRole?.attached ?? [])].sort()).toEqual(['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy', 'arn:aws:iam::aws:policy/AmazonEKSVPCResourceController']);
    expect([...(nodeRole?.attached ?? [])].sort()).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
    const vpc = [...emu.ec2.vpcs.values()][0];
    expect(vpc?.cidrBlock).toBe('192.168.0.0/16');
    const subnets = [...emu.ec2.subnets.values()];
    expect(new Set(subnets.map((s) => s.availabilityZone)).size).toBe(3);
    expect(subnets.filter((s) => s.tags['kubernetes.io/role/elb'] === '1' && s.mapPublicIpOnLaunch)).toHaveLength(3);
    expect(subnets.filter((s) => s.tags['kubernetes.io/role/internal-elb'] === '1')).toHaveLength(3);
    expect(subnets.every((s) => s.tags['kubernetes.io/cluster/shop'] === 'owned' && s.tags['team'] === 'platform')).toBe(true);

    const eksCluster = emu.eks.clusters.get('shop');
    expect(eksCluster?.subnetIds).toHaveLength(6);
    expect(eksCluster?.endpointPublicAccess).toBe(true);
    expect(eksCluster?.tags['team']).toBe('platform');
    const batch = emu.eks.nodegroups.get('shop/batch');
    expect(batch?.taints).toEqual([
      { key: 'workload', value: 'batch', effect: 'NO_SCHEDULE' },
      { key: 'spot', value: 'yes', effect: 'PREFER_NO_SCHEDULE' },
      { key: 'x', value: 'y', effect: 'NO_EXECUTE' },
    ]);
    expect(batch?.scalingConfig).toEqual({ minSize: 0, desiredSize: 1, maxSize: 5 });
    const general = emu.eks.nodegroups.get('shop/general');
    expect(general).toMatchObject({ instanceTypes: ['m5.large'], diskSize: 50, labels: { tier: 'web' } });
    expect(general?.subnets.every((id) => emu.ec2.subnets.get(id)?.tags['kubernetes.io/role/elb'] === '1')).toBe(true);

    const got = await provider.getCluster('shop');
    expect(got.nodePools.map((p) => [p.name, p.status, p.minNodes, p.desiredNodes, p.maxNodes]).sort()).toEqual([
      ['batch', 'ACTIVE', 0, 1, 5],
      ['general', 'ACTIVE', 1, 2, 3],
    ]);

    await provider.deleteCluster('shop');
    expectEmpty();
    await expectGatiError(provider.deleteCluster('shop'), 'NOT_FOUND');
  });

  it('survives 30% throttling, 5% server errors and lost responses with no duplicate resources', async () => {
    emu.faults.configure({ seed: 7, throttleRate: 0.3, serverErrorRate: 0.05, lostResponseRate: 0.1 });
    // The SDK's own throttling backoff starts at 500 ms; here Gati's retry alone does the work, quickly.
    await provider.close();
    provider = await newProvider({ maxAttempts: 1, retryBaseDelayMs: 5 });
    await provider.createCluster(cluster('flaky'), { timeoutMs: 60_000 });
    expect(emu.faults.injected.throttle).toBeGreaterThan(10);
    expect(emu.faults.injected.serverError).toBeGreaterThan(0);
    expect(emu.faults.injected.lostResponse).toBeGreaterThan(0);
    expectOneCluster('flaky');
    await provider.deleteCluster('flaky', { timeoutMs: 60_000 });
    emu.faults.reset();
    expectEmpty();
  }, 90_000);

  it('a create whose response is lost is not repeated: every retry looks the resource up first', async () => {
    for (const action of ['iam:CreateRole', 'ec2:CreateVpc', 'ec2:CreateSubnet', 'ec2:CreateInternetGateway', 'ec2:CreateRouteTable', 'eks:CreateCluster', 'eks:CreateNodegroup']) {
      emu.faults.addRule({ match: new RegExp(`^${action}$`), error: 'LostResponse', times: 1 });
    }
    await provider.createCluster(cluster('lost'));
    expect(emu.faults.injected.lostResponse).toBe(7);
    expectOneCluster('lost');
    // EC2 creates without an idempotency token were sent exactly once (answered 500); the retry found them.
    for (const action of ['CreateVpc', 'CreateInternetGateway', 'CreateRouteTable']) {
      expect(emu.requests({ action }).map((e) => e.errorCode), action).toEqual(['InternalError']);
    }
    // EKS creates may be re-sent by the SDK: the same clientRequestToken gets the same cluster back.
    expect(emu.requests({ action: 'CreateCluster' }).map((e) => e.status)).toEqual([500, 200]);
    await provider.deleteCluster('lost');
    expectEmpty();
  });

  it('a change whose response is lost is retried once: the "already done" answer is success at once', async () => {
    for (const action of ['ec2:AttachInternetGateway', 'ec2:CreateRoute', 'ec2:AssociateRouteTable']) {
      emu.faults.addRule({ match: new RegExp(`^${action}$`), error: 'LostResponse', times: 1 });
    }
    const started = performance.now();
    await provider.createCluster(cluster('changed'));
    // Retrying "already associated" as a conflict used to cost about 30 s per lost answer.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(emu.requests({ action: 'AttachInternetGateway' }).map((e) => e.errorCode)).toEqual(['InternalError', 'Resource.AlreadyAssociated']);
    expect(emu.requests({ action: 'CreateRoute' }).map((e) => e.errorCode)).toEqual(['InternalError', 'RouteAlreadyExists']);
    expect(emu.requests({ action: 'AssociateRouteTable' }).map((e) => e.errorCode ?? 'ok')).toEqual(['InternalError', 'Resource.AlreadyAssociated', 'ok', 'ok']);
    expectOneCluster('changed');
    await provider.deleteCluster('changed');
    expectEmpty();
  });

  it('resumes after a failure midway without duplicates, and the failure says what exists', async () => {
    emu.faults.addRule({ match: /^eks:CreateNodegroup$/, error: 'AccessDenied', times: 1 });
    const error = await expectGatiError(provider.createCluster(cluster('resume')), 'PERMISSION_DENIED');
    expect(error.message).toMatch(/Already in place/);
    expect(error.message).toMatch(/EKS cluster resume \(ACTIVE\)/);
    expect(isGatiError(error) && error.retryable).toBe(false);
    expect(emu.inventory().clusters).toEqual(['resume']);
    const vpcsBefore = emu.inventory().vpcs;

    const again = await provider.createCluster(cluster('resume'));
    expect(again.status).toBe('ACTIVE');
    expectOneCluster('resume');
    expect(emu.inventory().vpcs).toEqual(vpcsBefore);
    const created = (action: string): number => emu.requests({ action }).filter((e) => e.status === 200).length;
    expect(created('CreateVpc')).toBe(1);
    expect(created('CreateCluster')).toBe(1);
    expect(created('CreateRole')).toBe(2);
    expect(created('CreateSubnet')).toBe(6);
    expect(created('CreateNodegroup')).toBe(2);
    const plan = await provider.planCluster(cluster('resume'));
    expect(plan.steps.every((s) => s.action === 'exists')).toBe(true);
    await provider.deleteCluster('resume');
    expectEmpty();
  });

  it('AccessDenied while waiting fails within seconds, not at the wait deadline', async () => {
    emu.faults.addRule({ match: /^eks:DescribeCluster$/, error: 'AccessDenied' });
    const started = performance.now();
    const error = await expectGatiError(provider.createCluster(cluster('denied'), { timeoutMs: 10 * 60_000 }), 'PERMISSION_DENIED');
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error.message).toMatch(/not authorized/);
    expect(emu.requests({ action: 'DescribeCluster' })).toHaveLength(1);
  });

  it('retries CreateCluster while a new IAM role propagates', async () => {
    await provider.close();
    await emu.close();
    emu = await startEmulator({ timings: { clusterCreateMs: 50, clusterDeleteMs: 20, nodegroupCreateMs: 30, nodegroupDeleteMs: 20, iamPropagationMs: 3000 } });
    provider = await newProvider();
    // Given subnets keep the path from CreateRole to CreateCluster short, so the role is surely still propagating.
    const { EC2Client, CreateVpcCommand, CreateSubnetCommand } = await import('@aws-sdk/client-ec2');
    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: emu.endpoint, credentials: providerConfig(emu).credentials! });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc?.VpcId;
    const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.0.0/20', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId ?? '';
    const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.16.0/20', AvailabilityZone: 'us-east-1b' }))).Subnet?.SubnetId ?? '';
    ec2.destroy();
    const started = performance.now();
    await provider.createCluster({ ...cluster('fresh'), network: { subnetIds: [a, b] }, nodePools: [cluster('fresh').nodePools[0]!] });
    const attempts = emu.requests({ action: 'CreateCluster' });
    expect(attempts[0]?.errorCode).toBe('InvalidParameterException');
    expect(attempts.at(-1)?.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThan(2000);
  });

  it('uses given subnets when they span two zones and refuses one zone before creating anything', async () => {
    const { EC2Client, CreateVpcCommand, CreateSubnetCommand } = await import('@aws-sdk/client-ec2');
    const cfg = providerConfig(emu);
    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: emu.endpoint, credentials: cfg.credentials! });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc?.VpcId;
    const mk = async (cidr: string, zone: string): Promise<string> => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet?.SubnetId ?? '';
    const a = await mk('10.50.0.0/20', 'us-east-1a');
    const a2 = await mk('10.50.16.0/20', 'us-east-1a');
    const b = await mk('10.50.32.0/20', 'us-east-1b');
    ec2.destroy();
    const oneZone = { ...cluster('byo'), network: { subnetIds: [a, a2] } };
    const error = await expectGatiError(provider.createCluster(oneZone), 'INVALID_CONFIG');
    expect(error.message).toMatch(/network\.subnetIds/);
    expect(emu.requests({ action: 'CreateCluster' })).toHaveLength(0);
    await provider.createCluster({ ...cluster('byo'), network: { subnetIds: [a, b], privateNetworking: true } });
    expect(emu.eks.clusters.get('byo')).toMatchObject({ subnetIds: [a, b], endpointPublicAccess: false, endpointPrivateAccess: true });
    await provider.deleteCluster('byo');
    const inv = emu.inventory();
    expect(inv.subnets).toHaveLength(3); // the caller's network stays
    expect(inv.roles).toEqual([]);
    expect(inv.clusters).toEqual([]);
  });

  it('a VPC block too small for its subnets is INVALID_CONFIG naming network.cidrBlock, before any VPC is made', async () => {
    const error = await expectGatiError(provider.createCluster({ ...cluster('tiny'), network: { cidrBlock: '10.9.0.0/27' } }), 'INVALID_CONFIG');
    expect(error.message).toMatch(/network\.cidrBlock: 10\.9\.0\.0\/27 is too small for 6 subnets/);
    expect((error as GatiError).details?.['issues']).toEqual([expect.objectContaining({ path: 'network.cidrBlock' })]);
    expect(emu.requests({ action: 'CreateVpc' })).toHaveLength(0);
  });

  it('maps credentials errors to UNAUTHENTICATED without leaking the key', async () => {
    const bad = await newProvider({ credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'not-the-secret' } });
    const error = await expectGatiError(bad.getCluster('x'), 'UNAUTHENTICATED');
    expect(error.message).not.toContain('AKIAWRONGWRONGWRONG1');
    expect(error.message).not.toContain('not-the-secret');
    await bad.close();
  });
});

describe('endpoint discovery', () => {
  it('honours AWS_ENDPOINT_URL when no endpoint option is given', async () => {
    const saved = process.env['AWS_ENDPOINT_URL'];
    process.env['AWS_ENDPOINT_URL'] = emu.endpoint;
    try {
      const { endpoint: _omit, ...rest } = providerConfig(emu);
      const viaEnv = new AWSCloudProvider();
      await viaEnv.initialize(rest);
      await expectGatiError(viaEnv.getCluster('via-env'), 'NOT_FOUND');
      expect(emu.requests({ action: 'DescribeCluster' })).toHaveLength(1);
      await viaEnv.close();
    } finally {
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL'];
      else process.env['AWS_ENDPOINT_URL'] = saved;
    }
  });

  it('refuses to start without a region, and validates the provider config', async () => {
    const saved = [process.env['AWS_REGION'], process.env['AWS_DEFAULT_REGION']];
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    try {
      await expectGatiError(new AWSCloudProvider().initialize({}), 'INVALID_CONFIG');
    } finally {
      if (saved[0] !== undefined) process.env['AWS_REGION'] = saved[0];
      if (saved[1] !== undefined) process.env['AWS_DEFAULT_REGION'] = saved[1];
    }
    await expectGatiError(new AWSCloudProvider().initialize({ region: 'us-east-1', endpoint: 'not a url' }), 'INVALID_CONFIG');
    await expectGatiError(provider.createCluster({ ...cluster('other-region'), region: 'eu-west-1' }), 'INVALID_CONFIG');
  });
});

describe('deleting a half-made cluster', () => {
  it('waits for CREATING node groups and cluster to settle before deleting them', async () => {
    await provider.close();
    await emu.close();
    emu = await startEmulator({ timings: { clusterCreateMs: 100, clusterDeleteMs: 50, nodegroupCreateMs: 600, nodegroupDeleteMs: 50 } });
    provider = await newProvider();
    const controller = new AbortController();
    const pending = provider.createCluster(cluster('half'), {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.resource.startsWith('node-group/') && e.phase === 'waiting') controller.abort();
      },
    });
    await expectGatiError(pending, 'ABORTED');
    expect(emu.inventory().nodegroups.length).toBeGreaterThan(0);
    await provider.deleteCluster('half');
    expect(emu.requests({ action: 'DeleteNodegroup' }).some((e) => e.errorCode === 'ResourceInUseException')).toBe(true);
    expectEmpty();
  });
});

import { EC2Client, CreateSubnetCommand, CreateVpcCommand, DeleteVpcCommand, DeleteSubnetCommand, DescribeAvailabilityZonesCommand, DescribeSubnetsCommand, DescribeVpcsCommand, CreateTagsCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateNodegroupCommand, DeleteClusterCommand, DeleteNodegroupCommand, DescribeClusterCommand, DescribeNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DetachRolePolicyCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsEmulator, DEFAULT_EMULATOR_CREDENTIALS } from './index.js';

let emu: AwsEmulator;
const region = 'us-east-1';
let cfg: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };

const trust = (service: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

beforeAll(async () => {
  emu = await AwsEmulator.start({ region, timings: { clusterCreateMs: 100, clusterDeleteMs: 50, nodegroupCreateMs: 50, nodegroupDeleteMs: 50 } });
  cfg = { region, endpoint: emu.endpoint, credentials: { accessKeyId: DEFAULT_EMULATOR_CREDENTIALS.accessKeyId, secretAccessKey: DEFAULT_EMULATOR_CREDENTIALS.secretAccessKey }, maxAttempts: 1 };
});
afterAll(async () => {
  await emu.close();
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

describe('AWS emulator through the AWS SDK v3 clients', () => {
  it('STS GetCallerIdentity answers for a known key and refuses a wrong secret', async () => {
    const sts = new STSClient(cfg);
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('123456789012');
    expect(id.Arn).toBe('arn:aws:iam::123456789012:user/gati-emulator');
    const bad = new STSClient({ ...cfg, credentials: { accessKeyId: DEFAULT_EMULATOR_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' } });
    await expect(bad.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    const unknown = new EKSClient({ ...cfg, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } });
    await expect(unknown.send(new DescribeClusterCommand({ name: 'x' }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('IAM roles: create, get with tags, attach/list/detach managed policies, conflicts', async () => {
    const iam = new IAMClient(cfg);
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'wire-role', AssumeRolePolicyDocument: trust('eks.amazonaws.com'), Tags: [{ Key: 'team', Value: 'a&b <c>' }] }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::123456789012:role/wire-role');
    expect(created.Role?.CreateDate).toBeInstanceOf(Date);
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'wire-role', AssumeRolePolicyDocument: trust('eks.amazonaws.com') }))).rejects.toMatchObject({ name: 'EntityAlreadyExistsException' });
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'x'.repeat(65), AssumeRolePolicyDocument: trust('eks.amazonaws.com') }))).rejects.toMatchObject({ name: 'ValidationError' });
    const got = await iam.send(new GetRoleCommand({ RoleName: 'wire-role' }));
    expect(got.Role?.Tags).toEqual([{ Key: 'team', Value: 'a&b <c>' }]);
    expect(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(trust('eks.amazonaws.com')));
    const policy = 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy';
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'wire-role', PolicyArn: policy }));
    await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'wire-role', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'wire-role' }));
    expect(listed.AttachedPolicies).toEqual([{ PolicyName: 'AmazonEKSClusterPolicy', PolicyArn: policy }]);
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'wire-role' }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'wire-role', PolicyArn: policy }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'wire-role' }));
    await expect(iam.send(new GetRoleCommand({ RoleName: 'wire-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
  });

  it('EC2: zones, VPC and subnets with tag filters, conflicts and dependency errors', async () => {
    const ec2 = new EC2Client(cfg);
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }));
    expect(zones.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(zones.AvailabilityZones?.[0]?.State).toBe('available');
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'owner', Value: 'wire' }] }] }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    expect(vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    const a = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/20', AvailabilityZone: 'us-east-1a', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'kubernetes.io/role/elb', Value: '1' }] }] }));
    await expect(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.8.0/24', AvailabilityZone: 'us-east-1b' }))).rejects.toMatchObject({ name: 'InvalidSubnet.Conflict' });
    await expect(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.2.0.0/24', AvailabilityZone: 'us-east-1b' }))).rejects.toMatchObject({ name: 'InvalidSubnet.Range' });
    await expect(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.16.0/20', AvailabilityZone: 'us-east-1z' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const b = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.16.0/20', AvailabilityZone: 'us-east-1b' }));
    await ec2.send(new CreateTagsCommand({ Resources: [b.Subnet?.SubnetId ?? ''], Tags: [{ Key: 'kubernetes.io/role/internal-elb', Value: '1' }] }));
    const elb = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'tag:kubernetes.io/role/elb', Values: ['1'] }] }));
    expect(elb.Subnets?.map((s) => s.SubnetId)).toEqual([a.Subnet?.SubnetId]);
    expect(elb.Subnets?.[0]?.AvailabilityZone).toBe('us-east-1a');
    const internal = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag-key', Values: ['kubernetes.io/role/internal-elb'] }] }));
    expect(internal.Subnets?.map((s) => s.SubnetId)).toEqual([b.Subnet?.SubnetId]);
    const byTag = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:owner', Values: ['wire'] }] }));
    expect(byTag.Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
    expect(byTag.Vpcs?.[0]?.Tags).toEqual([{ Key: 'owner', Value: 'wire' }]);
    await expect(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-00000000000000000'] }))).rejects.toMatchObject({ name: 'InvalidSubnetID.NotFound' });
    await expect(ec2.send(new DeleteVpcCommand({ VpcId: vpcId }))).rejects.toMatchObject({ name: 'DependencyViolation' });
    await ec2.send(new DeleteSubnetCommand({ SubnetId: a.Subnet?.SubnetId ?? '' }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: b.Subnet?.SubnetId ?? '' }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect(emu.inventory().vpcs).toEqual([]);
  });

  it('EKS: validation errors, CREATING → ACTIVE, node groups, ResourceInUse, DELETING → gone', async () => {
    const iam = new IAMClient(cfg);
    const ec2 = new EC2Client(cfg);
    const eks = new EKSClient(cfg);
    const clusterRole = (await iam.send(new CreateRoleCommand({ RoleName: 'eks-wire-cluster', AssumeRolePolicyDocument: trust('eks.amazonaws.com') }))).Role?.Arn ?? '';
    const nodeRole = (await iam.send(new CreateRoleCommand({ RoleName: 'eks-wire-node', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }))).Role?.Arn ?? '';
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId ?? '';
    const s1 = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.0.0/20', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId ?? '';
    const s2 = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.16.0/20', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId ?? '';
    const s3 = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.32.0/20', AvailabilityZone: 'us-east-1b' }))).Subnet?.SubnetId ?? '';
    const base = { name: 'wire', version: '1.31', roleArn: clusterRole, resourcesVpcConfig: { subnetIds: [s1, s3] } };
    await expect(eks.send(new CreateClusterCommand({ ...base, resourcesVpcConfig: { subnetIds: [s1, s2] } }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Subnets specified must be in at least two different AZs',
    });
    await expect(eks.send(new CreateClusterCommand({ ...base, roleArn: 'not-an-arn' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(eks.send(new CreateClusterCommand({ ...base, roleArn: nodeRole }))).rejects.toThrow(/could not be assumed/);
    const created = await eks.send(new CreateClusterCommand({ ...base, tags: { env: 'test' } }));
    expect(created.cluster?.status).toBe('CREATING');
    expect(created.cluster?.createdAt).toBeInstanceOf(Date);
    await expect(eks.send(new CreateClusterCommand(base))).rejects.toMatchObject({ name: 'ResourceInUseException' });
    await expect(eks.send(new CreateNodegroupCommand({ clusterName: 'wire', nodegroupName: 'ng', nodeRole, subnets: [s1] }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await until(async () => (await eks.send(new DescribeClusterCommand({ name: 'wire' }))).cluster?.status === 'ACTIVE');
    const active = (await eks.send(new DescribeClusterCommand({ name: 'wire' }))).cluster;
    expect(active?.endpoint).toMatch(/^https:\/\//);
    expect(Buffer.from(active?.certificateAuthority?.data ?? '', 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(active?.tags).toEqual({ env: 'test' });
    expect(active?.resourcesVpcConfig?.vpcId).toBe(vpcId);
    await eks.send(
      new CreateNodegroupCommand({
        clusterName: 'wire',
        nodegroupName: 'ng',
        nodeRole,
        subnets: [s1, s3],
        scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 3 },
        instanceTypes: ['m5.large'],
        taints: [{ key: 'k', value: 'v', effect: 'NO_SCHEDULE' }],
      }),
    );
    await until(async () => (await eks.send(new DescribeNodegroupCommand({ clusterName: 'wire', nodegroupName: 'ng' }))).nodegroup?.status === 'ACTIVE');
    const ng = (await eks.send(new DescribeNodegroupCommand({ clusterName: 'wire', nodegroupName: 'ng' }))).nodegroup;
    expect(ng?.taints).toEqual([{ key: 'k', value: 'v', effect: 'NO_SCHEDULE' }]);
    expect(ng?.scalingConfig).toEqual({ minSize: 1, desiredSize: 2, maxSize: 3 });
    await expect(eks.send(new DeleteClusterCommand({ name: 'wire' }))).rejects.toMatchObject({ name: 'ResourceInUseException', $metadata: { httpStatusCode: 409 } });
    await expect(ec2.send(new DeleteSubnetCommand({ SubnetId: s1 }))).rejects.toMatchObject({ name: 'DependencyViolation' });
    expect((await eks.send(new DeleteNodegroupCommand({ clusterName: 'wire', nodegroupName: 'ng' }))).nodegroup?.status).toBe('DELETING');
    await until(async () => eks.send(new DescribeNodegroupCommand({ clusterName: 'wire', nodegroupName: 'ng' })).then(() => false, (e: Error) => e.name === 'ResourceNotFoundException'));
    expect((await eks.send(new DeleteClusterCommand({ name: 'wire' }))).cluster?.status).toBe('DELETING');
    await until(async () => eks.send(new DescribeClusterCommand({ name: 'wire' })).then(() => false, (e: Error) => e.name === 'ResourceNotFoundException'));
    expect(emu.inventory().clusters).toEqual([]);
  });

  it('Secrets Manager: versions, tags, recovery window, force, restore, and AWS refusals', async () => {
    const sm = new SecretsManagerClient(cfg);
    const created = await sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: '{"a":"1"}', Tags: [{ Key: 't', Value: '1' }] }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/db-.{6}$/);
    await expect(sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'x' }))).rejects.toMatchObject({ name: 'ResourceExistsException' });
    await sm.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: '{"a":"2"}' }));
    await sm.send(new TagResourceCommand({ SecretId: 'app/db', Tags: [{ Key: 'u', Value: '2' }] }));
    const got = await sm.send(new GetSecretValueCommand({ SecretId: 'app/db' }));
    expect(got.SecretString).toBe('{"a":"2"}');
    expect(got.VersionStages).toEqual(['AWSCURRENT']);
    expect(got.CreatedDate).toBeInstanceOf(Date);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: created.ARN ?? '' }))).Tags).toEqual([{ Key: 't', Value: '1' }, { Key: 'u', Value: '2' }]);
    await expect(sm.send(new DeleteSecretCommand({ SecretId: 'app/db', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(sm.send(new DeleteSecretCommand({ SecretId: 'app/db', RecoveryWindowInDays: 3 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'app/db', RecoveryWindowInDays: 7 }));
    expect(deleted.DeletionDate?.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'x' }))).rejects.toThrow(/scheduled for deletion/);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'app/db' }))).DeletedDate).toBeInstanceOf(Date);
    expect(emu.inventory().secretsScheduledForDeletion).toEqual(['app/db']);
    await sm.send(new RestoreSecretCommand({ SecretId: 'app/db' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).SecretString).toBe('{"a":"2"}');
    await sm.send(new DeleteSecretCommand({ SecretId: 'app/db', ForceDeleteWithoutRecovery: true }));
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(emu.inventory().secrets).toEqual([]);
  });

  it('injected faults come back as the errors each SDK classifies as throttling, 5xx or access denied', async () => {
    const eks = new EKSClient(cfg);
    const ec2 = new EC2Client(cfg);
    const iam = new IAMClient(cfg);
    const sm = new SecretsManagerClient(cfg);
    emu.faults.addRule({ match: /^eks:/, error: 'Throttling', times: 1 });
    await expect(eks.send(new DescribeClusterCommand({ name: 'x' }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    emu.faults.addRule({ match: /^ec2:/, error: 'Throttling', times: 1 });
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    emu.faults.addRule({ match: /^iam:/, error: 'ServerError', times: 1 });
    await expect(iam.send(new GetRoleCommand({ RoleName: 'x' }))).rejects.toMatchObject({ name: 'ServiceFailureException', $fault: 'server' });
    emu.faults.addRule({ match: /^secretsmanager:GetSecretValue/, error: 'AccessDenied', times: 1 });
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'x' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // With retries on, the SDK rides over throttling and 5xx: the request log shows the attempts.
    emu.clearRequestLog();
    emu.faults.addRule({ match: /^eks:DescribeCluster$/, error: 'Throttling', times: 2 });
    const retrying = new EKSClient({ ...cfg, maxAttempts: 3 });
    await expect(retrying.send(new DescribeClusterCommand({ name: 'x' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { attempts: 3 } });
    const log = emu.requests({ service: 'eks', action: 'DescribeCluster' });
    expect(log.map((e) => [e.status, e.errorCode, e.fault])).toEqual([
      [429, 'ThrottlingException', 'throttle'],
      [429, 'ThrottlingException', 'throttle'],
      [404, 'ResourceNotFoundException', undefined],
    ]);
  });

  it('seeded random faults are reproducible', async () => {
    const { FaultInjector } = await import('../common/faults.js');
    const run = (): string[] => {
      const f = new FaultInjector({ seed: 42, throttleRate: 0.3, serverErrorRate: 0.05 });
      return Array.from({ length: 200 }, () => f.decide('eks:DescribeCluster', false).kind);
    };
    const first = run();
    expect(run()).toEqual(first);
    const throttled = first.filter((k) => k === 'throttle').length;
    expect(throttled).toBeGreaterThan(40);
    expect(throttled).toBeLessThan(80);
  });
});

import { DescribeInternetGatewaysCommand, DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { AwsEmulator } from '@gati-framework/cloud-emulator/aws';
import type { ClusterConfigInput } from '@gati-framework/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AWSCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

/**
 * The fault profile of issue 14: with it, 8 of 10 creates used to fail (a lost
 * AssociateRouteTable/AttachInternetGateway answer was retried as a CONFLICT,
 * and a count of errors in a row ran out under throttling).
 */
const HEAVY = { seed: 14, throttleRate: 0.35, serverErrorRate: 0.15, lostResponseRate: 0.25 };
const CREATES = 10;

const cluster = (name: string): ClusterConfigInput => ({
  name,
  version: '1.31',
  nodePools: [
    { name: 'general', instanceType: 'm5.large', minNodes: 1, desiredNodes: 2, maxNodes: 3 },
    { name: 'batch', instanceType: 'c5.xlarge', minNodes: 0, desiredNodes: 1, maxNodes: 4 },
  ],
});

let emu: AwsEmulator | undefined;
let provider: AWSCloudProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await emu?.close();
});

/** What one cluster with a Gati-made 3-zone VPC amounts to, exactly: no lost response made a duplicate. */
async function expectExactlyOne(e: AwsEmulator, name: string): Promise<void> {
  const inv = e.inventory();
  expect(inv.clusters, name).toEqual([name]);
  expect(inv.nodegroups.sort(), name).toEqual([`${name}/batch`, `${name}/general`]);
  expect(inv.roles.sort(), name).toEqual([`gati-${name}-us-east-1-cluster`, `gati-${name}-us-east-1-node`]);
  expect(inv.vpcs, name).toHaveLength(1);
  expect(inv.subnets, name).toHaveLength(6);
  expect(inv.internetGateways, name).toHaveLength(1);
  expect(inv.routeTables, name).toHaveLength(1);
  // ... and every idempotent change really happened, as AWS's own API reports it.
  const config = { region: 'us-east-1', endpoint: e.endpoint, credentials: providerConfig(e).credentials! };
  const ec2 = new EC2Client(config);
  const iam = new IAMClient(config);
  try {
    const igws = (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways ?? [];
    expect(igws.map((g) => g.Attachments?.map((a) => a.VpcId)), name).toEqual([inv.vpcs]);
    const tables = ((await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables ?? []).filter((t) => !t.Associations?.some((a) => a.Main));
    expect(tables.map((t) => t.Routes?.filter((r) => r.DestinationCidrBlock === '0.0.0.0/0').length), name).toEqual([1]);
    expect(tables.map((t) => t.Associations?.length), name).toEqual([3]);
    for (const role of inv.roles) {
      const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? [];
      expect(attached, role).toHaveLength(role.endsWith('-node') ? 3 : 2);
    }
  } finally {
    ec2.destroy();
    iam.destroy();
  }
}

/**
 * CREATES create+delete cycles on a fresh emulator (AWS allows five VPCs per
 * region, so the clusters do not all live at once). Creates and deletes run
 * under the faults; only the creates are timed. Each create is checked for
 * duplicates before its delete, each delete for leftovers.
 */
async function cycles(prefix: string, faults?: typeof HEAVY): Promise<{ ms: number; failures: string[] }> {
  await provider?.close();
  await emu?.close();
  const e = await startEmulator();
  emu = e;
  provider = new AWSCloudProvider();
  // Gati's own retry does all the work (no SDK retries), on a short scale for the test.
  await provider.initialize(providerConfig(e, { maxAttempts: 1, retryBaseDelayMs: 2, maxRetryDelayMs: 20 }));
  const failures: string[] = [];
  let ms = 0;
  for (let i = 0; i < CREATES; i++) {
    const name = `${prefix}-${i}`;
    if (faults) e.faults.configure({ ...faults, seed: faults.seed + i });
    const started = performance.now();
    const ok = await provider.createCluster(cluster(name), { timeoutMs: 60_000 }).then(
      () => true,
      (error: unknown) => failures.push(`${name}: ${(error as Error).message}`) < 0,
    );
    ms += performance.now() - started;
    e.faults.configure({});
    if (ok) await expectExactlyOne(e, name);
    // The delete runs under the same weather (another seed) and must leave nothing behind.
    if (faults) e.faults.configure({ ...faults, seed: faults.seed + 100 + i });
    await provider.deleteCluster(name, { timeoutMs: 60_000 }).catch((error: unknown) => failures.push(`deleting ${name}: ${(error as Error).message}`));
    e.faults.configure({});
    const left = e.inventory();
    expect([left.clusters, left.nodegroups, left.roles, left.vpcs, left.subnets, left.internetGateways, left.routeTables], `after deleting ${name}`).toEqual([[], [], [], [], [], [], []]);
  }
  return { ms, failures };
}

describe('createCluster and deleteCluster under heavy faults (35 % throttling, 15 % server errors, 25 % lost responses)', () => {
  it('10 creates all succeed with no duplicate resources, within 5× the fault-free time; their deletes leave nothing', async () => {
    const clean = await cycles('calm');
    expect(clean.failures).toEqual([]);

    const heavy = await cycles('storm', HEAVY);
    expect(heavy.failures).toEqual([]);
    const e = emu as AwsEmulator;
    expect(e.faults.injected.throttle).toBeGreaterThan(100);
    expect(e.faults.injected.serverError).toBeGreaterThan(30);
    expect(e.faults.injected.lostResponse).toBeGreaterThan(30);
    // Lost answers to idempotent changes were retried and heard "already done": taken as success at once.
    const alreadyDone = (action: string): number => e.requests({ action }).filter((r) => r.errorCode === 'Resource.AlreadyAssociated').length;
    expect(alreadyDone('AssociateRouteTable') + alreadyDone('AttachInternetGateway')).toBeGreaterThan(0);
    expect(heavy.ms, `fault-free ${Math.round(clean.ms)} ms, heavy faults ${Math.round(heavy.ms)} ms`).toBeLessThanOrEqual(5 * clean.ms);
  }, 120_000);
});

import { AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DetachRolePolicyCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, TagRoleCommand, type IAMClient, type Role } from '@aws-sdk/client-iam';
import { ensure, ownedBy, ownershipTags, type Operation, type PlanStep } from '@gati-framework/core';
import { isAwsError } from '../errors/map-error.js';
import { fromTagList, toTagList } from '../tags/tag-list.js';
import { roleName } from './role-name.js';

/** The two roles an EKS cluster needs, with their trusted service and managed policies. */
export const ROLE_SPECS = {
  cluster: {
    service: 'eks.amazonaws.com',
    policies: ['AmazonEKSClusterPolicy', 'AmazonEKSVPCResourceController'],
  },
  node: {
    service: 'ec2.amazonaws.com',
    policies: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'],
  },
} as const;

export type RoleKind = keyof typeof ROLE_SPECS;

function trustPolicy(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

function policyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

async function getRole(iam: IAMClient, name: string, signal?: AbortSignal): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: name }), { abortSignal: signal })).Role;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
    throw error;
  }
}

/** Creates (or completes) the cluster or node role: trust policy, tags, managed policies. Returns its ARN. */
export async function ensureRole(
  op: Operation,
  iam: IAMClient,
  cluster: { name: string; region: string; tags: Record<string, string> },
  kind: RoleKind,
): Promise<string> {
  const name = roleName(cluster.name, cluster.region, kind);
  const resource = `iam-role/${name}`;
  const spec = ROLE_SPECS[kind];
  op.step(resource, 'started', `ensuring ${kind} role trusted by ${spec.service}`);
  const tags = ownershipTags(cluster.name, `${kind}-role`, cluster.tags);
  const { value: role, created } = await ensure(op, {
    what: `creating IAM role ${name}`,
    resource,
    find: () => getRole(iam, name, op.signal),
    create: async () =>
      (
        await iam.send(
          new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy(spec.service), Description: `EKS ${kind} role of ${cluster.name} (Gati)`, Tags: toTagList(tags) }),
          { abortSignal: op.signal },
        )
      ).Role as Role,
  });
  const arn = role.Arn ?? '';
  const partition = arn.split(':')[1] ?? 'aws';
  if (!created && ownedBy(fromTagList(role.Tags), cluster.name)) {
    const missingTags = Object.entries(tags).filter(([k, v]) => fromTagList(role.Tags)[k] !== v);
    if (missingTags.length > 0) {
      await op.call(`tagging IAM role ${name}`, () => iam.send(new TagRoleCommand({ RoleName: name, Tags: toTagList(Object.fromEntries(missingTags)) }), { abortSignal: op.signal }), resource);
    }
  }
  const attached = await op.call(
    `listing policies of ${name}`,
    () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }), { abortSignal: op.signal }),
    resource,
  );
  const have = new Set((attached.AttachedPolicies ?? []).map((p) => p.PolicyArn));
  for (const policy of spec.policies) {
    const policyArnValue = policyArn(partition, policy);
    if (have.has(policyArnValue)) continue;
    await op.call(`attaching ${policy} to ${name}`, () => iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArnValue }), { abortSignal: op.signal }), resource);
  }
  op.step(resource, 'succeeded', created ? `created ${arn}` : `reused ${arn}`);
  return arn;
}

export async function planRole(op: Operation, iam: IAMClient, cluster: { name: string; region: string }, kind: RoleKind): Promise<PlanStep> {
  const name = roleName(cluster.name, cluster.region, kind);
  const role = await op.call(`reading IAM role ${name}`, () => getRole(iam, name, op.signal));
  return { kind: 'iam-role', name, action: role ? 'exists' : 'create', detail: `trusted by ${ROLE_SPECS[kind].service}; ${ROLE_SPECS[kind].policies.join(', ')}` };
}

/** Deletes the role if Gati created it for this cluster; returns whether anything was deleted. */
export async function deleteOwnedRole(op: Operation, iam: IAMClient, cluster: { name: string; region: string }, kind: RoleKind): Promise<boolean> {
  const name = roleName(cluster.name, cluster.region, kind);
  const resource = `iam-role/${name}`;
  const role = await op.call(`reading IAM role ${name}`, () => getRole(iam, name, op.signal), resource);
  if (!role || !ownedBy(fromTagList(role.Tags), cluster.name)) return false;
  op.step(resource, 'started', 'deleting role');
  const attached = await op.call(`listing policies of ${name}`, () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }), { abortSignal: op.signal }), resource);
  for (const p of attached.AttachedPolicies ?? []) {
    await op
      .call(`detaching ${p.PolicyName ?? ''} from ${name}`, () => iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }), { abortSignal: op.signal }), resource)
      .catch((error: unknown) => {
        if (!isAwsError(error, 'NoSuchEntityException')) throw error;
      });
  }
  await op.call(`deleting IAM role ${name}`, () => iam.send(new DeleteRoleCommand({ RoleName: name }), { abortSignal: op.signal }), resource).catch((error: unknown) => {
    if (!isAwsError(error, 'NoSuchEntityException')) throw error;
  });
  op.step(resource, 'succeeded', 'deleted');
  return true;
}

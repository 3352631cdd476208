import { iamUniqueId, type AwsContext } from './context.js';
import { AwsApiError, type QueryParams, type HandlerResult } from './wire.js';

export interface RoleRecord {
  name: string;
  id: string;
  arn: string;
  path: string;
  createdAt: Date;
  assumeRolePolicyDocument: string;
  description?: string;
  tags: Record<string, string>;
  attached: Set<string>;
}

/** AWS managed policies the emulator knows; attaching any other `arn:aws:iam::aws:policy/…` fails like AWS does. */
const MANAGED_POLICIES = [
  'AmazonEKSClusterPolicy',
  'AmazonEKSVPCResourceController',
  'AmazonEKSServicePolicy',
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryReadOnly',
  'AmazonSSMManagedInstanceCore',
  'AdministratorAccess',
  'ReadOnlyAccess',
];

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** IAM roles and managed policy attachments (query protocol). */
export class IamService {
  readonly roles = new Map<string, RoleRecord>();

  constructor(private readonly ctx: AwsContext) {}

  /** The role an ARN names, if it exists and `service` may assume it (after propagation). */
  assumableRole(arn: string, service: string): RoleRecord | undefined {
    const name = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1];
    const role = name ? this.roles.get(name) : undefined;
    if (!role || role.arn !== arn) return undefined;
    if (this.ctx.now() - role.createdAt.getTime() < this.ctx.timings.iamPropagationMs) return undefined;
    let doc: { Statement?: { Effect?: string; Principal?: { Service?: string | string[] }; Action?: string | string[] }[] };
    try {
      doc = JSON.parse(role.assumeRolePolicyDocument) as typeof doc;
    } catch {
      return undefined;
    }
    const trusts = (doc.Statement ?? []).some((s) => {
      const services = ([] as string[]).concat(s.Principal?.Service ?? []);
      const actions = ([] as string[]).concat(s.Action ?? []);
      return s.Effect === 'Allow' && services.includes(service) && actions.includes('sts:AssumeRole');
    });
    return trusts ? role : undefined;
  }

  handle(action: string, p: QueryParams): HandlerResult {
    switch (action) {
      case 'CreateRole':
        return this.createRole(p);
      case 'GetRole':
        return { Role: this.roleXml(this.requireRole(p.required('RoleName'))) };
      case 'ListRoles':
        return { Roles: [...this.roles.values()].map((r) => this.roleXml(r, false)), IsTruncated: false };
      case 'DeleteRole': {
        const role = this.requireRole(p.required('RoleName'));
        if (role.attached.size > 0) throw new AwsApiError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
        this.roles.delete(role.name);
        return {};
      }
      case 'AttachRolePolicy': {
        const role = this.requireRole(p.required('RoleName'));
        const arn = p.required('PolicyArn');
        const m = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn);
        if (!m) throw new AwsApiError('InvalidInput', `ARN ${arn} is not valid.`);
        if (m[1] !== 'aws' || !MANAGED_POLICIES.includes(m[2] ?? '')) throw new AwsApiError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
        role.attached.add(arn);
        return {};
      }
      case 'DetachRolePolicy': {
        const role = this.requireRole(p.required('RoleName'));
        const arn = p.required('PolicyArn');
        if (!role.attached.delete(arn)) throw new AwsApiError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
        return {};
      }
      case 'ListAttachedRolePolicies': {
        const role = this.requireRole(p.required('RoleName'));
        return {
          AttachedPolicies: [...role.attached].map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
          IsTruncated: false,
        };
      }
      case 'TagRole': {
        const role = this.requireRole(p.required('RoleName'));
        Object.assign(role.tags, p.tags('Tags.member'));
        this.checkTagCount(role.tags);
        return {};
      }
      case 'UntagRole': {
        const role = this.requireRole(p.required('RoleName'));
        for (const key of p.list('TagKeys.member')) delete role.tags[key];
        return {};
      }
      case 'ListRoleTags':
        return { Tags: tagList(this.requireRole(p.required('RoleName')).tags), IsTruncated: false };
      default:
        throw new AwsApiError('InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
    }
  }

  private createRole(p: QueryParams): HandlerResult {
    const name = p.required('RoleName');
    if (!ROLE_NAME.test(name)) {
      throw new AwsApiError('ValidationError', `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64 and match pattern [\\w+=,.@-]+`);
    }
    const document = p.required('AssumeRolePolicyDocument');
    try {
      const doc = JSON.parse(document) as unknown;
      if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { Statement?: unknown }).Statement)) throw new Error('no statements');
    } catch {
      throw new AwsApiError('MalformedPolicyDocument', 'This policy contains invalid Json');
    }
    if (this.roles.has(name)) throw new AwsApiError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
    const path = p.get('Path') ?? '/';
    const tags = p.tags('Tags.member');
    this.checkTagCount(tags);
    const description = p.get('Description');
    const role: RoleRecord = {
      name,
      id: iamUniqueId('AROA'),
      arn: `arn:aws:iam::${this.ctx.accountId}:role${path}${name}`,
      path,
      createdAt: new Date(this.ctx.now()),
      assumeRolePolicyDocument: document,
      ...(description !== undefined ? { description } : {}),
      tags,
      attached: new Set(),
    };
    this.roles.set(name, role);
    return { Role: this.roleXml(role) };
  }

  private checkTagCount(tags: Record<string, string>): void {
    if (Object.keys(tags).length > 50) throw new AwsApiError('LimitExceeded', 'The number of tags has reached the maximum limit.', 409);
  }

  private requireRole(name: string): RoleRecord {
    const role = this.roles.get(name);
    if (!role) throw new AwsApiError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  private roleXml(role: RoleRecord, withTags = true): Record<string, unknown> {
    return {
      Path: role.path,
      RoleName: role.name,
      RoleId: role.id,
      Arn: role.arn,
      CreateDate: role.createdAt,
      AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
      Description: role.description,
      MaxSessionDuration: 3600,
      Tags: withTags && Object.keys(role.tags).length > 0 ? tagList(role.tags) : undefined,
    };
  }
}

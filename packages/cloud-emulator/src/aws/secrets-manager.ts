import { randomBytes, randomUUID } from 'node:crypto';
import type { AwsContext } from './context.js';
import { AwsApiError, type HandlerResult } from './wire.js';

export interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  tags: Record<string, string>;
  createdAt: number;
  changedAt: number;
  /** versionId → value; stages point into it. */
  versions: Map<string, { secretString?: string; secretBinary?: string; createdAt: number }>;
  stages: Map<string, string>;
  deletedAt?: number;
  deletionDate?: number;
}

const MAX_SECRET_BYTES = 65_536;
const DAY_MS = 86_400_000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function tagList(v: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (Array.isArray(v)) for (const t of v as { Key?: unknown; Value?: unknown }[]) if (typeof t.Key === 'string') tags[t.Key] = String(t.Value ?? '');
  return tags;
}

/** Secrets Manager (awsJson1_1): versions with AWSCURRENT/AWSPREVIOUS, scheduled deletion and restore. */
export class SecretsManagerService {
  readonly secrets = new Map<string, SecretRecord>();

  constructor(private readonly ctx: AwsContext) {}

  /** Purges secrets whose recovery window has ended. */
  tick(): void {
    const now = this.ctx.now();
    for (const [name, s] of this.secrets) if (s.deletionDate !== undefined && now >= s.deletionDate) this.secrets.delete(name);
  }

  handle(action: string, body: Record<string, unknown>): HandlerResult {
    switch (action) {
      case 'CreateSecret':
        return this.create(body);
      case 'PutSecretValue': {
        const s = this.live(this.find(body));
        const versionId = this.putVersion(s, body);
        return { ARN: s.arn, Name: s.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
      }
      case 'GetSecretValue': {
        const s = this.live(this.find(body));
        const versionId = str(body['VersionId']) ?? s.stages.get(str(body['VersionStage']) ?? 'AWSCURRENT');
        const version = versionId ? s.versions.get(versionId) : undefined;
        if (!versionId || !version) throw new AwsApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
        return {
          ARN: s.arn,
          Name: s.name,
          VersionId: versionId,
          ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
          ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
          VersionStages: [...s.stages].filter(([, id]) => id === versionId).map(([stage]) => stage),
          CreatedDate: version.createdAt / 1000,
        };
      }
      case 'DescribeSecret': {
        const s = this.find(body);
        const versionIdsToStages: Record<string, string[]> = {};
        for (const [stage, id] of s.stages) (versionIdsToStages[id] ??= []).push(stage);
        return {
          ARN: s.arn,
          Name: s.name,
          Description: s.description,
          CreatedDate: s.createdAt / 1000,
          LastChangedDate: s.changedAt / 1000,
          ...(s.deletedAt !== undefined ? { DeletedDate: s.deletedAt / 1000 } : {}),
          Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
          VersionIdsToStages: versionIdsToStages,
        };
      }
      case 'DeleteSecret':
        return this.delete(body);
      case 'RestoreSecret': {
        const s = this.find(body);
        delete s.deletedAt;
        delete s.deletionDate;
        return { ARN: s.arn, Name: s.name };
      }
      case 'TagResource': {
        const s = this.find(body);
        Object.assign(s.tags, tagList(body['Tags']));
        if (Object.keys(s.tags).length > 50) throw new AwsApiError('ValidationException', 'Too many tags: a secret can have at most 50.');
        return {};
      }
      case 'UntagResource': {
        const s = this.find(body);
        for (const key of Array.isArray(body['TagKeys']) ? (body['TagKeys'] as unknown[]) : []) delete s.tags[String(key)];
        return {};
      }
      case 'ListSecrets':
        return {
          SecretList: [...this.secrets.values()]
            .filter((s) => s.deletedAt === undefined || body['IncludePlannedDeletion'] === true)
            .map((s) => ({ ARN: s.arn, Name: s.name, Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })), CreatedDate: s.createdAt / 1000 })),
        };
      default:
        throw new AwsApiError('UnknownOperationException', `Unknown operation ${action}`);
    }
  }

  private create(body: Record<string, unknown>): HandlerResult {
    const name = str(body['Name']) ?? '';
    if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) throw new AwsApiError('ValidationException', `Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!`);
    const existing = this.secrets.get(name);
    if (existing?.deletedAt !== undefined) {
      throw new AwsApiError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    }
    if (existing) {
      const token = str(body['ClientRequestToken']);
      if (token && existing.versions.has(token)) return { ARN: existing.arn, Name: existing.name, VersionId: token };
      throw new AwsApiError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }
    const now = this.ctx.now();
    const description = str(body['Description']);
    const secret: SecretRecord = {
      name,
      arn: `arn:aws:secretsmanager:${this.ctx.region}:${this.ctx.accountId}:secret:${name}-${randomBytes(4).toString('base64url').slice(0, 6)}`,
      ...(description !== undefined ? { description } : {}),
      tags: tagList(body['Tags']),
      createdAt: now,
      changedAt: now,
      versions: new Map(),
      stages: new Map(),
    };
    const hasValue = body['SecretString'] !== undefined || body['SecretBinary'] !== undefined;
    const versionId = hasValue ? this.putVersion(secret, body) : undefined;
    this.secrets.set(name, secret);
    return { ARN: secret.arn, Name: secret.name, ...(versionId ? { VersionId: versionId } : {}) };
  }

  private putVersion(s: SecretRecord, body: Record<string, unknown>): string {
    const secretString = str(body['SecretString']);
    const secretBinary = str(body['SecretBinary']);
    if (secretString !== undefined && secretBinary !== undefined) throw new AwsApiError('InvalidParameterException', 'You must provide either SecretString or SecretBinary, but not both.');
    if (secretString === undefined && secretBinary === undefined) throw new AwsApiError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    const size = secretString !== undefined ? Buffer.byteLength(secretString, 'utf8') : Buffer.from(secretBinary ?? '', 'base64').length;
    if (size > MAX_SECRET_BYTES) throw new AwsApiError('InvalidParameterException', 'The secret value exceeds the maximum size of 65536 bytes.');
    const versionId = str(body['ClientRequestToken']) ?? randomUUID();
    if (s.versions.has(versionId)) return versionId; // idempotent retry of the same request
    const now = this.ctx.now();
    s.versions.set(versionId, { ...(secretString !== undefined ? { secretString } : {}), ...(secretBinary !== undefined ? { secretBinary } : {}), createdAt: now });
    const current = s.stages.get('AWSCURRENT');
    if (current) {
      const previous = s.stages.get('AWSPREVIOUS');
      s.stages.set('AWSPREVIOUS', current);
      if (previous && previous !== current) s.versions.delete(previous);
    }
    s.stages.set('AWSCURRENT', versionId);
    s.changedAt = now;
    return versionId;
  }

  private delete(body: Record<string, unknown>): HandlerResult {
    const s = this.find(body);
    const force = body['ForceDeleteWithoutRecovery'] === true;
    const window = body['RecoveryWindowInDays'];
    if (force && window !== undefined) {
      throw new AwsApiError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const days = window === undefined ? 30 : Number(window);
    if (!force && (!Number.isInteger(days) || days < 7 || days > 30)) {
      throw new AwsApiError('InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    if (s.deletedAt !== undefined && !force) {
      throw new AwsApiError('InvalidRequestException', "You can't perform this operation on the secret because it was already scheduled for deletion.");
    }
    const now = this.ctx.now();
    if (force) {
      this.secrets.delete(s.name);
      return { ARN: s.arn, Name: s.name, DeletionDate: now / 1000 };
    }
    s.deletedAt = now;
    s.deletionDate = now + days * DAY_MS;
    return { ARN: s.arn, Name: s.name, DeletionDate: s.deletionDate / 1000 };
  }

  private find(body: Record<string, unknown>): SecretRecord {
    const id = str(body['SecretId']) ?? '';
    const s = this.secrets.get(id) ?? [...this.secrets.values()].find((x) => x.arn === id);
    if (!s) throw new AwsApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return s;
  }

  private live(s: SecretRecord): SecretRecord {
    if (s.deletedAt !== undefined) {
      throw new AwsApiError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
    }
    return s;
  }
}

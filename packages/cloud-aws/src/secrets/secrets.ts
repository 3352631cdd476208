import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GatiError, type DeleteSecretOptions, type Operation, type SecretConfig, type SecretRef } from '@gati-framework/core';
import { isAwsError } from '../errors/map-error.js';
import { toTagList } from '../tags/tag-list.js';

const SCHEDULED = /scheduled for deletion|marked for deletion/i;

function isScheduledForDeletion(error: unknown): boolean {
  const raw = (error as { cause?: unknown }).cause ?? error;
  return isAwsError(raw, 'InvalidRequestException') && SCHEDULED.test((raw as Error).message ?? '');
}

/** Creates the secret, or writes a new version of an existing one; tags are applied either way. */
export async function storeSecret(op: Operation, sm: SecretsManagerClient, config: SecretConfig, restoreDeleted: boolean): Promise<SecretRef> {
  const value = JSON.stringify(config.values);
  const tags = toTagList(config.tags ?? {});
  // One token for every retry: a create whose response was lost is recognised, not repeated.
  const createToken = crypto.randomUUID();
  try {
    const out = await op.call(`creating secret ${config.name}`, () =>
      sm.send(new CreateSecretCommand({ Name: config.name, SecretString: value, ClientRequestToken: createToken, ...(tags.length > 0 ? { Tags: tags } : {}) }), { abortSignal: op.signal }),
    );
    return { name: config.name, id: out.ARN ?? '', ...(out.VersionId ? { version: out.VersionId } : {}) };
  } catch (error) {
    if (isScheduledForDeletion(error)) {
      if (!restoreDeleted) {
        throw new GatiError(
          'ALREADY_EXISTS',
          `Secret "${config.name}" is scheduled for deletion. Restore it (provider option restoreDeletedSecrets: true), delete it with { force: true }, or wait for its recovery window to end.`,
          { provider: 'aws', cause: error },
        );
      }
      await op.call(`restoring secret ${config.name}`, () => sm.send(new RestoreSecretCommand({ SecretId: config.name }), { abortSignal: op.signal }));
    } else if (!isAwsError(error, 'ResourceExistsException')) {
      throw error;
    }
  }
  // It exists: a new current version, then the tags.
  const token = crypto.randomUUID();
  const out = await op.call(`updating secret ${config.name}`, () =>
    sm.send(new PutSecretValueCommand({ SecretId: config.name, SecretString: value, ClientRequestToken: token }), { abortSignal: op.signal }),
  );
  if (tags.length > 0) {
    await op.call(`tagging secret ${config.name}`, () => sm.send(new TagResourceCommand({ SecretId: config.name, Tags: tags }), { abortSignal: op.signal }));
  }
  return { name: config.name, id: out.ARN ?? '', ...(out.VersionId ? { version: out.VersionId } : {}) };
}

/** The key/value map of the current version. A secret that is not a JSON object of strings comes back as `{ value }`. */
export async function retrieveSecret(op: Operation, sm: SecretsManagerClient, name: string): Promise<Record<string, string>> {
  let out;
  try {
    out = await op.call(`reading secret ${name}`, () => sm.send(new GetSecretValueCommand({ SecretId: name }), { abortSignal: op.signal }));
  } catch (error) {
    if (isScheduledForDeletion(error)) {
      throw new GatiError('NOT_FOUND', `Secret "${name}" is scheduled for deletion; restore it to read it.`, { provider: 'aws', cause: error });
    }
    throw error;
  }
  const text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
      return parsed as Record<string, string>;
    }
  } catch {
    // Not JSON: a plain secret string.
  }
  return { value: text };
}

/** Deletes with a recovery window or at once; never sends both options (AWS refuses that). */
export async function deleteSecret(op: Operation, sm: SecretsManagerClient, name: string, options: DeleteSecretOptions): Promise<void> {
  if (options.force && options.recoveryWindowDays !== undefined) {
    throw new GatiError('INVALID_CONFIG', 'Pass either force or recoveryWindowDays to deleteSecret, not both.', { provider: 'aws' });
  }
  const days = options.recoveryWindowDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 7 || days > 30)) {
    throw new GatiError('INVALID_CONFIG', `recoveryWindowDays must be a whole number from 7 to 30 on AWS (got ${days}).`, { provider: 'aws' });
  }
  await op.call(`deleting secret ${name}`, () =>
    sm.send(
      new DeleteSecretCommand({ SecretId: name, ...(options.force ? { ForceDeleteWithoutRecovery: true } : days !== undefined ? { RecoveryWindowInDays: days } : {}) }),
      { abortSignal: op.signal },
    ),
  );
}

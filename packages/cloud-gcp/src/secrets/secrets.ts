import { GatiError, ownershipTags, type DeleteSecretOptions, type Operation, type SecretConfig, type SecretRef } from '@gati-framework/core';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { grpcStatus } from '../errors/gcp-errors.js';
import { toLabels } from '../labels/labels.js';
import { crc32c } from '@aws-crypto/crc32c';
import { toSecretId } from './secret-name.js';

export interface SecretStoreOptions {
  /** Regions of user-managed replication; default automatic replication. */
  replicaLocations?: string[];
  /** Enabled versions kept per secret (older ones are disabled, not destroyed). Default 2. */
  keepVersions?: number;
}

const secretPath = (project: string, name: string): string => `projects/${project}/secrets/${toSecretId(name)}`;

/** Creates the secret when absent, adds a version with its CRC32C, and disables versions beyond `keepVersions`. */
export async function storeSecret(op: Operation, sm: SecretManagerServiceClient, project: string, config: SecretConfig, options: SecretStoreOptions): Promise<SecretRef> {
  const name = secretPath(project, config.name);
  const replication = options.replicaLocations?.length ? { userManaged: { replicas: options.replicaLocations.map((location) => ({ location })) } } : { automatic: {} };
  await op.call(`creating secret ${config.name}`, async () => {
    try {
      await sm.createSecret({ parent: `projects/${project}`, secretId: toSecretId(config.name), secret: { replication, labels: toLabels(ownershipTags(config.name, 'secret', config.tags)) } });
    } catch (error) {
      // Exists already (a rotation, or our own create whose answer was lost): add a version to it.
      if (grpcStatus(error) !== 'ALREADY_EXISTS') throw error;
    }
  });
  const data = Buffer.from(JSON.stringify(config.values), 'utf8');
  // A lost answer here means one extra version of the same value: harmless, and disabled below.
  const [version] = await op.call(`adding a version to secret ${config.name}`, () => sm.addSecretVersion({ parent: name, payload: { data, dataCrc32c: String(crc32c(data)) } }));
  await disableOld(op, sm, name, config.name, options.keepVersions ?? 2);
  return { name: config.name, id: version.name ?? name, ...(version.name ? { version: version.name.split('/').pop() ?? '' } : {}) };
}

async function disableOld(op: Operation, sm: SecretManagerServiceClient, parent: string, name: string, keep: number): Promise<void> {
  const [versions] = await op.call(`listing versions of secret ${name}`, () => sm.listSecretVersions({ parent, filter: 'state:ENABLED' }));
  const number = (v: { name?: string | null }): number => Number(v.name?.split('/').pop() ?? 0);
  const enabled = versions.filter((v) => String(v.state) === 'ENABLED').sort((a, b) => number(b) - number(a));
  for (const old of enabled.slice(Math.max(1, keep))) {
    await op.change(`disabling ${old.name}`, () => sm.disableSecretVersion({ name: old.name ?? '' }));
  }
}

/** The latest version's values, its CRC32C checked. */
export async function retrieveSecret(op: Operation, sm: SecretManagerServiceClient, project: string, name: string): Promise<Record<string, string>> {
  const [answer] = await op.call(`reading secret ${name}`, () => sm.accessSecretVersion({ name: `${secretPath(project, name)}/versions/latest` }));
  const raw = answer.payload?.data;
  const data = typeof raw === 'string' ? Buffer.from(raw, 'base64') : Buffer.from(raw ?? new Uint8Array());
  const expected = answer.payload?.dataCrc32c;
  if (expected !== undefined && expected !== null && String(expected) !== String(crc32c(data))) {
    throw new GatiError('PROVIDER_ERROR', `Secret ${name}: the payload's CRC32C does not match the one Secret Manager returned; it was corrupted in transit. Read it again.`, { provider: 'gcp', retryable: true });
  }
  try {
    return JSON.parse(data.toString('utf8')) as Record<string, string>;
  } catch (error) {
    throw new GatiError('PROVIDER_ERROR', `Secret ${name} does not hold a Gati JSON object of values.`, { provider: 'gcp', cause: error });
  }
}

/** Secret Manager deletes at once and keeps nothing: a recovery window cannot be honoured, so it is refused. */
export async function deleteSecret(op: Operation, sm: SecretManagerServiceClient, project: string, name: string, options: DeleteSecretOptions): Promise<void> {
  if (options.recoveryWindowDays !== undefined) {
    throw new GatiError('INVALID_CONFIG', 'Secret Manager deletes a secret and all its versions at once, with no recovery window: call deleteSecret without recoveryWindowDays (or disable its versions instead).', {
      provider: 'gcp',
      details: { issues: [{ path: 'recoveryWindowDays', message: 'not supported on GCP', code: 'custom' }] },
    });
  }
  await op.call(`deleting secret ${name}`, async () => {
    try {
      await sm.deleteSecret({ name: secretPath(project, name) });
    } catch (error) {
      if (grpcStatus(error) === 'NOT_FOUND' && options.force) return;
      throw error;
    }
  });
}

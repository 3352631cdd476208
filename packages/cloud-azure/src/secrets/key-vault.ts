import type { SecretClient } from '@azure/keyvault-secrets';
import { GatiError, type DeleteSecretOptions, type Operation, type SecretConfig, type SecretRef } from '@gati-framework/core';
import { isAzureError } from '../errors/map-error.js';
import { toVaultSecretName } from './secret-names.js';

/** Key Vault's limit on a secret value. */
export const MAX_VAULT_VALUE_BYTES = 25 * 1024;
const JSON_TYPE = 'application/json';

export interface VaultSettings {
  recoverDeleted: boolean;
  updateIntervalInMs: number;
}

/** The stored text and its content type; over Key Vault's limit is INVALID_CONFIG before any call. */
export function encodeValues(name: string, values: Record<string, string>): { value: string; contentType: string } {
  const json = JSON.stringify(values);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= MAX_VAULT_VALUE_BYTES) return { value: json, contentType: JSON_TYPE };
  throw new GatiError('INVALID_CONFIG', `Secret "${name}" is too large for Key Vault: ${bytes} bytes of JSON; a Key Vault secret holds ${MAX_VAULT_VALUE_BYTES} bytes. Split it into several secrets.`, {
    provider: 'azure',
    details: { issues: [{ path: 'values', message: `must fit in ${MAX_VAULT_VALUE_BYTES} bytes as JSON`, code: 'custom' }] },
  });
}

export function decodeValues(name: string, value: string | undefined): Record<string, string> {
  try {
    return JSON.parse(value ?? '') as Record<string, string>;
  } catch (error) {
    throw new GatiError('PROVIDER_ERROR', `Secret "${name}" in Key Vault is not a Gati secret (its value is not a JSON map).`, { provider: 'azure', cause: error });
  }
}

const isDeletedConflict = (e: unknown): boolean => isAzureError(e, 'Conflict', 'ObjectIsDeletedButRecoverable');

/** Writes a new version. A name that is soft-deleted is recovered first when allowed, else refused with what to do. */
export async function storeSecret(op: Operation, client: SecretClient, config: SecretConfig, s: VaultSettings): Promise<SecretRef> {
  const vaultName = toVaultSecretName(config.name);
  const { value, contentType } = encodeValues(config.name, config.values);
  const set = (): ReturnType<SecretClient['setSecret']> => client.setSecret(vaultName, value, { contentType, ...(config.tags ? { tags: config.tags } : {}), abortSignal: op.signal });
  const stored = await op.call(`storing secret ${config.name}`, async () => {
    try {
      return await set();
    } catch (error) {
      if (!isDeletedConflict(error)) throw error;
      if (!s.recoverDeleted) {
        throw new GatiError('CONFLICT', `Secret "${config.name}" (Key Vault name ${vaultName}) is soft-deleted. Recover it (recoverDeletedSecrets: true) or purge it (deleteSecret(name, { force: true })), then store again.`, {
          provider: 'azure',
          retryable: false,
          cause: error,
        });
      }
      const poller = await client.beginRecoverDeletedSecret(vaultName, { intervalInMs: s.updateIntervalInMs, abortSignal: op.signal });
      await poller.pollUntilDone();
      return set();
    }
  });
  return { name: config.name, id: stored.properties.id ?? vaultName, ...(stored.properties.version ? { version: stored.properties.version } : {}) };
}

export async function retrieveSecret(op: Operation, client: SecretClient, name: string): Promise<Record<string, string>> {
  const vaultName = toVaultSecretName(name);
  const secret = await op.call(`reading secret ${name}`, () => client.getSecret(vaultName, { abortSignal: op.signal }));
  return decodeValues(name, secret.value);
}

/** Soft delete (recoverable for the vault's retention period); `force` also purges. An absent name is NOT_FOUND. */
export async function deleteSecret(op: Operation, client: SecretClient, name: string, options: DeleteSecretOptions, s: VaultSettings): Promise<void> {
  if (options.recoveryWindowDays !== undefined) {
    // Silently deleting with another window than asked would lose (or keep) a secret against the caller's intent.
    throw new GatiError('INVALID_CONFIG', "Key Vault keeps a deleted secret for its vault's retention period (softDeleteRetentionInDays, 7-90 days, set when the vault is created), not per secret: call deleteSecret without recoveryWindowDays, or with force to purge at once.", {
      provider: 'azure',
      details: { issues: [{ path: 'recoveryWindowDays', message: "not supported on Azure: the vault's retention applies", code: 'custom' }] },
    });
  }
  const vaultName = toVaultSecretName(name);
  let alreadyDeleted = false;
  await op.call(`deleting secret ${name}`, async () => {
    try {
      const poller = await client.beginDeleteSecret(vaultName, { intervalInMs: s.updateIntervalInMs, abortSignal: op.signal });
      await poller.pollUntilDone();
    } catch (error) {
      // Only a purge can still do something for a name that is already soft-deleted.
      if (!options.force || !isAzureError(error, 'SecretNotFound', 'NotFound')) throw error;
      alreadyDeleted = true;
    }
  });
  if (!options.force) return;
  await op.call(`purging secret ${name}`, async () => {
    try {
      await client.purgeDeletedSecret(vaultName, { abortSignal: op.signal });
    } catch (error) {
      if (alreadyDeleted && isAzureError(error, 'SecretNotFound', 'NotFound')) {
        throw new GatiError('NOT_FOUND', `Secret "${name}" does not exist in the vault, deleted or not.`, { provider: 'azure', cause: error });
      }
      throw error;
    }
  });
}

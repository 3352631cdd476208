import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGatiError, type GatiError } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { resolveAzureConfig } from './config.js';

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(isGatiError(error, 'INVALID_CONFIG')).toBe(true);
    return ((error as GatiError).details?.['issues'] as { path: string }[]).map((i) => i.path);
  }
  throw new Error('expected INVALID_CONFIG');
};

describe('Azure provider config', () => {
  it('reads the gati-emulator --env-file lines when options are missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gati-az-config-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n');
    try {
      const env = {
        AZURE_SUBSCRIPTION_ID: 'sub-1',
        AZURE_TENANT_ID: 'tenant-1',
        AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:4443/',
        AZURE_KEYVAULT_URL: 'https://gati-emulator.vault.localhost:4443',
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      };
      const c = resolveAzureConfig({ location: 'West Europe' }, env);
      expect(c).toMatchObject({
        subscriptionId: 'sub-1',
        tenantId: 'tenant-1',
        resourceGroup: 'gati',
        location: 'westeurope',
        armEndpoint: 'https://127.0.0.1:4443',
        keyVaultUrl: 'https://gati-emulator.vault.localhost:4443',
        kubeloginMode: 'azurecli',
        azure: { skuTier: 'Standard', applicationRouting: false, localAccounts: false },
      });
      expect(c.ca).toContain('BEGIN CERTIFICATE');
      expect(resolveAzureConfig({ location: 'westeurope', subscriptionId: 'explicit' }, env).subscriptionId).toBe('explicit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defaults to Azure\'s public Resource Manager without an endpoint', () => {
    expect(resolveAzureConfig({ subscriptionId: 's', location: 'westeurope' }, {}).armEndpoint).toBe('https://management.azure.com');
  });

  it('missing or malformed fields are INVALID_CONFIG with their paths', () => {
    expect(issuesOf(() => resolveAzureConfig({}, {}))).toEqual(['subscriptionId', 'location']);
    expect(issuesOf(() => resolveAzureConfig({ subscriptionId: 's', location: 'x', resourceGroup: 'bad/name', keyVaultUrl: 'not a url', credential: {}, azure: { skuTier: 'Gold', authorizedIpRanges: ['1.2.3.4/99'], subnetId: 'subnet-1' } }, {}))).toEqual(
      expect.arrayContaining(['resourceGroup', 'keyVaultUrl', 'credential', 'azure.skuTier', 'azure.authorizedIpRanges.0', 'azure.subnetId']),
    );
    expect(issuesOf(() => resolveAzureConfig({ subscriptionId: 's', location: 'x' }, { NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' }))).toEqual(['ca']);
  });
});

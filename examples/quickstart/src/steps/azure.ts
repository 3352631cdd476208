import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureEmulator, azureEnv } from '@gati-framework/cloud-emulator/azure';
import type { Printer } from '../print.js';
import { applyEnv, demoCluster, runCloudChain } from './cloud-chain.js';

/**
 * The Azure chain, with Resource Manager, the vault and the CA taken from the `AZURE_*` lines:
 * those of a `gati-emulator --env-file` the user sourced, or else of an in-process Azure emulator,
 * set here exactly as that file would. Only the credential is passed in that last case: MSAL trusts
 * the emulator's CA through NODE_EXTRA_CA_CERTS, which Node reads at start-up only.
 * Set GATI_QUICKSTART_REAL_AZURE=1 (with AZURE_SUBSCRIPTION_ID, AZURE_KEYVAULT_URL and a signed-in
 * DefaultAzureCredential) to run it against a real subscription: it creates billable resources.
 */
export async function runAzureStep(print: Printer): Promise<void> {
  await runCloudChain(print, {
    cloud: 'azure',
    label: 'Azure',
    product: 'AKS',
    realFlag: 'GATI_QUICKSTART_REAL_AZURE',
    emulatorVariable: 'AZURE_RESOURCE_MANAGER_ENDPOINT',
    providerOptions: { resourceGroup: process.env['AZURE_RESOURCE_GROUP'] ?? 'shop-demo', location: process.env['AZURE_LOCATION'] ?? 'westeurope', azure: { applicationRouting: true } },
    realTimeoutMs: 40 * 60_000,
    cluster: demoCluster('1.31', 'Standard_D4s_v5', 'Standard_F8s_v2'),
    loadBalancer: { name: 'shop-web-lb', namespace: 'shop', type: 'network', serviceName: 'shop-web', port: 80, targetPort: 8080, healthCheck: { path: '/readyz' } },
    words: { token: 'an in-process Entra token for the AKS server app', loadBalancer: 'Azure Load Balancer (Service of type LoadBalancer)', secrets: 'Key Vault', deleted: "the AKS cluster (with Gati's system pool), its virtual network and resource group" },
    async startEmulator(print) {
      const emulator = await AzureEmulator.start({ retryAfterSeconds: 0, kubernetes: { delays: { podStartMs: 100, podReadyMs: 150, loadBalancerMs: 300 } } });
      const dir = mkdtempSync(join(tmpdir(), 'gati-quickstart-azure-'));
      const caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, emulator.caPem);
      const restore = applyEnv(azureEnv(emulator, caFile));
      print.line(`Azure emulator at ${emulator.armEndpoint}; vault ${emulator.vaultUrl()}; the provider reads Resource Manager, the vault and the CA from the AZURE_* lines`);
      return {
        providerOptions: { credential: emulator.credential() },
        inventory: () => emulator.inventory(),
        close: async () => {
          restore();
          await emulator.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  });
}

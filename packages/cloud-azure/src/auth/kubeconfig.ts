import { GatiError, renderKubeconfig, type KubeconfigUser } from '@gati-framework/core';
import { parse } from 'yaml';

/** The Entra application id of the AKS server: tokens for clusters are minted for `<id>/.default`. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
export const AKS_TOKEN_SCOPE = `${AKS_SERVER_APP_ID}/.default`;

/** kubelogin's login modes (`kubelogin get-token --login`). */
export type KubeloginMode = 'azurecli' | 'devicecode' | 'spn' | 'msi' | 'workloadidentity' | 'interactive' | 'azd';

interface RawKubeconfig {
  clusters?: { name?: string; cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { name?: string; user?: { exec?: { command?: string; args?: string[] } } }[];
}

/** Server, CA and the exec arguments AKS wrote into `listClusterUserCredential`'s kubeconfig. */
export function readAksKubeconfig(bytes: Uint8Array, clusterName: string): { server: string; caPem: string; execArgs: string[] | undefined } {
  const doc = parse(Buffer.from(bytes).toString('utf8')) as RawKubeconfig | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster['certificate-authority-data']) {
    throw new GatiError('PROVIDER_ERROR', `The kubeconfig AKS returned for ${clusterName} has no server or CA.`, { provider: 'azure' });
  }
  const exec = doc?.users?.[0]?.user?.exec;
  return { server: cluster.server, caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'), execArgs: exec?.command === 'kubelogin' ? exec.args : undefined };
}

/**
 * kubelogin's exec user as Azure documents it: `kubelogin get-token --server-id <AKS app>
 * --login <mode>`, with AKS's own arguments (environment, tenant, client id) kept and only the
 * login mode chosen here (the kubeconfig is non-interactive, so the default is `azurecli`).
 */
export function kubeloginUser(execArgs: string[] | undefined, tenantId: string | undefined, mode: KubeloginMode): KubeconfigUser {
  const args = execArgs ? [...execArgs] : ['get-token', '--environment', 'AzurePublicCloud', '--server-id', AKS_SERVER_APP_ID, ...(tenantId ? ['--tenant-id', tenantId] : []), '--login', mode];
  const at = args.indexOf('--login');
  if (at >= 0) args.splice(at, 2, '--login', mode);
  else args.push('--login', mode);
  return { exec: { command: 'kubelogin', args } };
}

export function aksKubeconfig(name: string, server: string, caPem: string, user: KubeconfigUser): string {
  return renderKubeconfig({ name, server, caPem, user });
}

import { stringify } from 'yaml';
import { AKS_SERVER_APP_ID } from './tokens.js';

/** The public client id kubelogin uses for the Azure CLI sign-in flows (what AKS writes into `--client-id`). */
export const KUBELOGIN_CLIENT_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';

/** What a kubeconfig of one AKS cluster needs. */
export interface AksKubeconfigSpec {
  clusterName: string;
  resourceGroup: string;
  server: string;
  caPem: string;
  tenantId: string;
  /** `user`: the Entra exec form (kubelogin); `admin`: a static token of the local admin account. */
  kind: 'user' | 'admin';
  /** The token of the admin form. */
  token?: string;
}

/**
 * A kubeconfig as AKS's `listClusterUserCredential` returns it for an Entra-integrated cluster:
 * the user runs `kubelogin get-token` (format exec, device-code login by default; `kubelogin
 * convert-kubeconfig` switches it to another login mode), context and cluster named after the
 * cluster, user `clusterUser_<rg>_<name>`.
 */
export function renderAksKubeconfig(spec: AksKubeconfigSpec): string {
  const userName = `${spec.kind === 'admin' ? 'clusterAdmin' : 'clusterUser'}_${spec.resourceGroup}_${spec.clusterName}`;
  const user =
    spec.kind === 'admin'
      ? { token: spec.token ?? '' }
      : {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            args: ['get-token', '--environment', 'AzurePublicCloud', '--server-id', AKS_SERVER_APP_ID, '--client-id', KUBELOGIN_CLIENT_ID, '--tenant-id', spec.tenantId, '--login', 'devicecode'],
            command: 'kubelogin',
            env: null,
            installHint: '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://aka.ms/aks/kubelogin\n',
            interactiveMode: 'IfAvailable',
            provideClusterInfo: false,
          },
        };
  const context = spec.kind === 'admin' ? `${spec.clusterName}-admin` : spec.clusterName;
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64'), server: spec.server }, name: spec.clusterName }],
    contexts: [{ context: { cluster: spec.clusterName, user: userName }, name: context }],
    'current-context': context,
    kind: 'Config',
    preferences: {},
    users: [{ name: userName, user }],
  });
}

import { stringify } from 'yaml';
import { GatiError } from '../errors/gati-error.js';

/** How the kubeconfig user authenticates. */
export type KubeconfigUser =
  | { token: string }
  | { exec: { command: string; args: string[]; env?: { name: string; value: string }[]; apiVersion?: string } };

export interface KubeconfigSpec {
  /** Context, cluster and user name. */
  name: string;
  server: string;
  /** PEM of the cluster CA (base64-encoded into the file). */
  caPem: string;
  user: KubeconfigUser;
  namespace?: string;
}

/** Renders a single-context kubeconfig as YAML, loadable by kubectl and @kubernetes/client-node. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  const text = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
  const u = spec?.user as Partial<{ token: unknown; exec: { command?: unknown; args?: unknown } }> | undefined;
  const userOk = typeof u === 'object' && u !== null && ('token' in u ? text(u.token) : text(u.exec?.command) && Array.isArray(u.exec?.args));
  if (!text(spec?.name) || !text(spec?.server) || typeof spec?.caPem !== 'string' || !userOk) {
    throw new GatiError('INVALID_CONFIG', 'A kubeconfig needs { name, server, caPem, user: { token } or { exec: { command, args } } }.');
  }
  const user =
    'token' in spec.user
      ? { token: spec.user.token }
      : {
          exec: {
            apiVersion: spec.user.exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
            command: spec.user.exec.command,
            args: spec.user.exec.args,
            env: spec.user.exec.env ?? null,
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: spec.name,
        cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') },
      },
    ],
    users: [{ name: spec.name, user }],
    contexts: [{ name: spec.name, context: { cluster: spec.name, user: spec.name, ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    'current-context': spec.name,
    preferences: {},
  });
}

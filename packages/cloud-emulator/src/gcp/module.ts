import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlags, type EmulatorModule } from '../common/module.js';

/**
 * The GCP emulator (GKE's container v1 REST API with a Kubernetes API per cluster, serviceusage)
 * as a `gati-emulator` module. Light on purpose: the emulator itself is imported only in `start()`.
 *
 * Its `--env-file` lines are the ones gcloud reads (REST over http). The gRPC endpoint (printed as
 * `gcp grpc`, `https://HOST:PORT`) is signed by the kit's CA, which the CLI writes for every module
 * as `GATI_EMULATOR_CA_FILE`; cloud-gcp reads that file as its `ca`.
 */
export const gcpEmulatorModule: EmulatorModule = {
  name: 'gcp',
  description: 'Google Cloud REST APIs (GKE container v1 clusters and operations, compute v1 networks/subnetworks/routers, Secret Manager v1, serviceusage) that gcloud accepts, and ClusterManager v1 and Secret Manager v1 over gRPC with TLS; every GKE cluster gets its own Kubernetes API',
  flags: {
    'gcp-port': 'port of the Google API endpoint (default: a free port)',
    'gcp-grpc-port': 'port of the gRPC endpoint (ClusterManager v1, Secret Manager v1; TLS with the kit CA; default: a free port)',
    'gcp-project': 'project the access token is issued for (default gati-emulator)',
    'gke-create-ms': 'milliseconds from clusters.create to RUNNING (default 300)',
    'gke-delete-ms': 'milliseconds from clusters.delete to gone (default 200)',
  },
  async start(context, flags) {
    const { GcpEmulator } = await import('./server.js');
    const emulator = await GcpEmulator.start({
      host: context.host,
      ...intFlags(flags, { port: 'gcp-port', grpcPort: 'gcp-grpc-port' }),
      ...(flags['gcp-project'] ? { project: flags['gcp-project'] } : {}),
      timings: intFlags(flags, { clusterCreateMs: 'gke-create-ms', clusterDeleteMs: 'gke-delete-ms' }),
      // One CA for the gRPC endpoint and every cluster's Kubernetes API: the file the CLI writes
      // (`GATI_EMULATOR_CA_FILE`, which cloud-gcp reads) trusts them all.
      ca: context.ca,
      sharedRequestLog: context.requestLog,
      logger: context.logger,
    });
    const configDir = prepareGcloudConfig();
    return {
      endpoints: () => [
        { name: 'gcp', url: emulator.endpoint },
        { name: 'gcp grpc', url: emulator.grpcUrl },
        { name: 'gcp project', url: emulator.project },
      ],
      env: () => gcloudEnv(emulator.endpoint, emulator.project, emulator.accessToken, configDir),
      close: async () => {
        await emulator.close();
        rmSync(configDir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * A gcloud configuration directory of its own: the `gce` file says "not on Google Compute Engine",
 * so gcloud never probes the metadata server (a DNS lookup and a connection on its first run).
 */
export function prepareGcloudConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gati-gcloud-'));
  writeFileSync(join(dir, 'gce'), 'False');
  return dir;
}

/**
 * The variables gcloud (and gke-gcloud-auth-plugin) read to use the emulator offline: endpoint
 * overrides, the access token, the project, no prompts, no usage reporting, no update checks.
 */
export function gcloudEnv(endpoint: string, project: string, accessToken: string, configDir: string): Record<string, string> {
  const url = `${endpoint}/`;
  return {
    CLOUDSDK_CONFIG: configDir,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: url,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE: url,
    // gcloud's compute base URL carries the version path; the others end at the host.
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${endpoint}/compute/v1/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: url,
    CLOUDSDK_AUTH_ACCESS_TOKEN: accessToken,
    CLOUDSDK_CORE_PROJECT: project,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
  };
}

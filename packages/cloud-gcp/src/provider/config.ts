import { BaseProviderConfigSchema, extraCaFromEnvironment, GatiError, type Logger } from '@gati-framework/core';
import type { AuthClient } from 'google-auth-library';
import { z } from 'zod';

/** GCP project ids: 6–30 characters, lowercase letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
/** Regions such as europe-west1, us-central1, northamerica-northeast2. */
const REGION = /^[a-z]+-[a-z]+\d{1,2}$/;
const ZONE = /^[a-z]+-[a-z]+\d{1,2}-[a-z]$/;
const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const GcpSectionSchema = z.object({
  releaseChannel: z.enum(['RAPID', 'REGULAR', 'STABLE', 'EXTENDED']).optional(),
  deletionProtection: z.boolean().optional(),
  /** An existing VPC network (name) to use instead of creating one. */
  network: z.string().regex(NAME, 'must be a VPC network name').optional(),
  /** An existing subnetwork (name) of that network, with secondary ranges `pods` and `services`. */
  subnetwork: z.string().regex(NAME, 'must be a subnetwork name').optional(),
  /** Secondary range of the subnetwork Gati creates, for pod IPs. Default 10.4.0.0/14. */
  podsCidr: z.cidrv4().optional(),
  /** Secondary range of the subnetwork Gati creates, for Service IPs. Default 10.8.0.0/20. */
  servicesCidr: z.cidrv4().optional(),
  /** Control-plane range of a private cluster, a /28. Default 172.16.0.0/28. */
  masterIpv4CidrBlock: z.cidrv4().refine((c) => c.endsWith('/28'), 'must be a /28 range').optional(),
  /** gRPC (default) or REST/JSON; an `http://` Container or Secret Manager endpoint means REST for both. */
  transport: z.enum(['grpc', 'rest']).optional(),
});

export const GcpProviderConfigSchema = BaseProviderConfigSchema.extend({
  projectId: z.string().regex(PROJECT_ID, 'must be a GCP project id: 6-30 lowercase letters, digits and hyphens, starting with a letter').optional(),
  region: z.string().regex(REGION, 'must be a GCP region such as europe-west1').optional(),
  /** A zone of the region: makes clusters zonal instead of regional. */
  zone: z.string().regex(ZONE, 'must be a GCP zone such as europe-west1-b').optional(),
  /** A service-account key file; default Application Default Credentials. */
  keyFile: z.string().min(1).optional(),
  /**
   * API endpoints (emulators, Private Service Connect); default the CLOUDSDK_API_ENDPOINT_OVERRIDES_*
   * variables, then Google's. `https://host:port` is TLS: gRPC unless `gcp.transport` is `rest`
   * (Compute is always REST); `http://host:port` is plaintext REST (for Container or Secret
   * Manager it switches both to REST, as gcloud's local override lines intend).
   */
  endpoints: z.object({ container: z.url({ protocol: /^https?$/ }).optional(), secretManager: z.url({ protocol: /^https?$/ }).optional(), compute: z.url({ protocol: /^https?$/ }).optional() }).optional(),
  /** PEM of a CA to trust besides the public roots (gRPC and REST over TLS); default the file in `GATI_EMULATOR_CA_FILE` or `NODE_EXTRA_CA_CERTS`. */
  ca: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate' }).optional(),
  gcp: GcpSectionSchema.optional(),
  /** Secret Manager: user-managed replica regions (default automatic replication); enabled versions kept (default 2). */
  secrets: z.object({ replicaLocations: z.array(z.string().regex(REGION, 'must be a GCP region')).min(1).optional(), keepVersions: z.number().int().min(1).max(100).optional() }).optional(),
  retryBaseDelayMs: z.number().int().min(1).optional(),
  maxRetryDelayMs: z.number().int().min(1).optional(),
  pollIntervalMs: z.number().int().min(1).optional(),
  maxPollIntervalMs: z.number().int().min(1).optional(),
  operationTimeoutMs: z.number().int().min(1).optional(),
});

export type GcpProviderConfig = z.input<typeof GcpProviderConfigSchema> & {
  /** An explicit google-auth-library client (never serialised; not part of the schema). */
  authClient?: AuthClient;
  logger?: Logger;
};

export interface Endpoint {
  /** Host name or address. */
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface ResolvedGcpConfig {
  projectId: string;
  region: string;
  zone?: string;
  /** Where clusters live: the zone when zonal, else the region. */
  location: string;
  keyFile?: string;
  /** PEM of an extra CA to trust (emulators, private endpoints). */
  ca?: string;
  /** Explicit token from CLOUDSDK_AUTH_ACCESS_TOKEN (kept out of logs). */
  accessToken?: string;
  endpoints: { container?: Endpoint; secretManager?: Endpoint; compute?: Endpoint };
  /** How Container and Secret Manager are reached (Compute is always REST). */
  transport: 'grpc' | 'rest';
  releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE' | 'EXTENDED';
  deletionProtection: boolean;
  network?: string;
  subnetwork?: string;
  podsCidr?: string;
  servicesCidr?: string;
  masterIpv4CidrBlock: string;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  operationTimeoutMs: number;
}

function endpoint(url: string | undefined): Endpoint | undefined {
  if (!url) return undefined;
  const u = new URL(url);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { host: u.hostname, port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443, protocol };
}

function missing(path: string, message: string): GatiError {
  return new GatiError('INVALID_CONFIG', message, { provider: 'gcp', details: { issues: [{ path, message: 'required', code: 'custom' }] } });
}

/**
 * Applies defaults. Project, region, endpoints and token come from the config first, then the
 * variables gcloud reads (CLOUDSDK_CORE_PROJECT, CLOUDSDK_COMPUTE_REGION,
 * CLOUDSDK_API_ENDPOINT_OVERRIDES_*, CLOUDSDK_AUTH_ACCESS_TOKEN). Nothing is written to process.env.
 */
export function resolveGcpConfig(parsed: z.infer<typeof GcpProviderConfigSchema>, env: NodeJS.ProcessEnv = process.env): ResolvedGcpConfig {
  const projectId = parsed.projectId ?? env['CLOUDSDK_CORE_PROJECT'] ?? env['GOOGLE_CLOUD_PROJECT'];
  if (!projectId) throw missing('projectId', 'No GCP project: pass { projectId } to initialize() or set CLOUDSDK_CORE_PROJECT.');
  const region = parsed.region ?? env['CLOUDSDK_COMPUTE_REGION'];
  if (!region) throw missing('region', 'No GCP region: pass { region } to initialize() or set CLOUDSDK_COMPUTE_REGION.');
  if (parsed.zone && !parsed.zone.startsWith(`${region}-`)) {
    throw new GatiError('INVALID_CONFIG', `Zone ${parsed.zone} is not in region ${region}.`, { provider: 'gcp', details: { issues: [{ path: 'zone', message: `must be a zone of ${region}`, code: 'custom' }] } });
  }
  const container = endpoint(parsed.endpoints?.container ?? parsed.endpoint ?? env['CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER']);
  const secretManager = endpoint(parsed.endpoints?.secretManager ?? parsed.endpoint ?? env['CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER']);
  const compute = endpoint(parsed.endpoints?.compute ?? parsed.endpoint ?? env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE']);
  // gcloud's local override lines are plaintext REST URLs: one for Container or Secret Manager means REST
  // for both. Compute is REST whatever the transport.
  const plaintext = [container, secretManager].some((e) => e?.protocol === 'http');
  const ca = parsed.ca ?? extraCaFromEnvironment('gcp', env);
  const base = parsed.retryBaseDelayMs ?? 200;
  const poll = parsed.pollIntervalMs ?? 5000;
  const token = env['CLOUDSDK_AUTH_ACCESS_TOKEN'];
  return {
    projectId,
    region,
    ...(parsed.zone ? { zone: parsed.zone } : {}),
    location: parsed.zone ?? region,
    ...(parsed.keyFile ? { keyFile: parsed.keyFile } : {}),
    ...(token ? { accessToken: token } : {}),
    ...(ca ? { ca } : {}),
    endpoints: { ...(container ? { container } : {}), ...(secretManager ? { secretManager } : {}), ...(compute ? { compute } : {}) },
    transport: plaintext ? 'rest' : (parsed.gcp?.transport ?? 'grpc'),
    releaseChannel: parsed.gcp?.releaseChannel ?? 'REGULAR',
    deletionProtection: parsed.gcp?.deletionProtection ?? false,
    ...(parsed.gcp?.network ? { network: parsed.gcp.network } : {}),
    ...(parsed.gcp?.subnetwork ? { subnetwork: parsed.gcp.subnetwork } : {}),
    ...(parsed.gcp?.podsCidr ? { podsCidr: parsed.gcp.podsCidr } : {}),
    ...(parsed.gcp?.servicesCidr ? { servicesCidr: parsed.gcp.servicesCidr } : {}),
    masterIpv4CidrBlock: parsed.gcp?.masterIpv4CidrBlock ?? '172.16.0.0/28',
    retryBaseDelayMs: base,
    maxRetryDelayMs: parsed.maxRetryDelayMs ?? Math.max(base, Math.min(5000, 25 * base)),
    pollIntervalMs: poll,
    maxPollIntervalMs: parsed.maxPollIntervalMs ?? Math.max(poll, 30_000),
    operationTimeoutMs: parsed.operationTimeoutMs ?? 45 * 60_000,
  };
}

/** GCE machine types: families such as e2-standard-4, n2d-highmem-8, c3-standard-4-lssd, custom-4-16384. */
export const MACHINE_TYPE = /^([a-z][a-z0-9]*-[a-z0-9-]+|custom-\d+-\d+(-ext)?)$/;

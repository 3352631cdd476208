import { parseConfig } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { GcpProviderConfigSchema, resolveGcpConfig } from './config.js';

const resolve = (input: unknown, env: NodeJS.ProcessEnv = {}) => resolveGcpConfig(parseConfig(GcpProviderConfigSchema, input, 'GCP provider config'), env);

describe('GCP provider config', () => {
  it('refuses bad project ids, regions and master CIDRs with their paths', () => {
    for (const [input, path] of [
      [{ projectId: 'Shop_Prod', region: 'europe-west1' }, 'projectId'],
      [{ projectId: 'shop-prod-123', region: 'Europe' }, 'region'],
      [{ projectId: 'shop-prod-123', region: 'europe-west1', gcp: { masterIpv4CidrBlock: '172.16.0.0/24' } }, 'gcp.masterIpv4CidrBlock'],
    ] as const) {
      expect(() => resolve(input)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path })] } }));
    }
  });

  it('reads project, endpoints and token from the gcloud variables; http endpoints mean REST', () => {
    const env = {
      CLOUDSDK_CORE_PROJECT: 'gati-emulator',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: 'http://127.0.0.1:8123/',
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'tok',
    };
    const config = resolve({ region: 'europe-west1' }, env);
    expect(config).toMatchObject({ projectId: 'gati-emulator', location: 'europe-west1', transport: 'rest', accessToken: 'tok', releaseChannel: 'REGULAR' });
    expect(config.endpoints.container).toEqual({ host: '127.0.0.1', port: 8123, protocol: 'http' });
  });

  it('https endpoints keep gRPC (REST when asked); an http Container or Secret Manager endpoint means REST; `ca` must be PEM', () => {
    const base = { projectId: 'shop-prod-123', region: 'europe-west1' };
    const grpcEndpoints = { container: 'https://127.0.0.1:8443', secretManager: 'https://127.0.0.1:8443', compute: 'http://127.0.0.1:8080' };
    expect(resolve({ ...base, endpoints: grpcEndpoints }).transport).toBe('grpc');
    expect(resolve({ ...base, endpoints: grpcEndpoints, gcp: { transport: 'rest' } }).transport).toBe('rest');
    expect(resolve({ ...base, endpoints: { ...grpcEndpoints, secretManager: 'http://127.0.0.1:8080' } }).transport).toBe('rest');
    expect(resolve({ ...base, endpoints: grpcEndpoints }).endpoints.container).toEqual({ host: '127.0.0.1', port: 8443, protocol: 'https' });
    expect(() => resolve({ ...base, ca: 'not a certificate' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path: 'ca' })] } }));
    expect(() => resolve({ ...base, endpoints: { container: 'grpc://127.0.0.1:8443' } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('a zone makes clusters zonal and must be in the region', () => {
    expect(resolve({ projectId: 'shop-prod-123', region: 'europe-west1', zone: 'europe-west1-b' }).location).toBe('europe-west1-b');
    expect(() => resolve({ projectId: 'shop-prod-123', region: 'europe-west1', zone: 'us-east1-b' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('a missing project or region is INVALID_CONFIG naming it', () => {
    expect(() => resolve({ region: 'europe-west1' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path: 'projectId' })] } }));
  });
});

import type { ClusterManagerClient } from '@google-cloud/container';
import { Operation } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { gcpErrors } from '../errors/gcp-errors.js';
import type { ResolvedGcpConfig } from '../provider/config.js';
import { waitOperation } from './cluster.js';

describe('waitOperation', () => {
  it('an answer without an operation name is a PROVIDER_ERROR, not a change taken as done', async () => {
    let called = false;
    const client = { getOperation: () => { called = true; return Promise.resolve([{ status: 'DONE' }]); } } as unknown as ClusterManagerClient;
    const op = new Operation('createCluster', {}, { errors: gcpErrors, pollIntervalMs: 1 });
    await expect(waitOperation(op, client, { projectId: 'p', location: 'europe-west1' } as ResolvedGcpConfig, {}, 'creating cluster shop', 'gke-cluster/shop')).rejects.toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('without an operation') });
    expect(called).toBe(false);
  });
});

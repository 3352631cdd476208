import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GcpEmulator } from '@gati-framework/cloud-emulator/gcp';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { GCPCloudProvider } from '../index.js';
import { providerConfig, startEmulator } from '../../test/emulator.js';

let emu: GcpEmulator;
let proxy: Server;
let proxyUrl: string;

/**
 * A loopback proxy in front of the emulator's Compute API that drops `name` from the answer to a
 * network insert, as a misbehaving endpoint would: everything else passes through untouched.
 */
beforeEach(async () => {
  emu = await startEmulator();
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${emu.endpoint}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body && req.method !== 'GET' ? { body } : {}) })
        .then(async (answer) => {
          let text = await answer.text();
          if (req.method === 'POST' && /\/global\/networks$/.test(new URL(req.url ?? '/', 'http://x').pathname) && answer.ok) {
            const { name: _dropped, ...rest } = JSON.parse(text) as Record<string, unknown>;
            text = JSON.stringify(rest);
          }
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await emu.close();
});

it('a Compute insert answered without an operation name fails clearly instead of building the cluster on a network nobody saw made', async () => {
  const provider = new GCPCloudProvider();
  await provider.initialize(providerConfig(emu, { endpoints: { container: emu.endpoint, secretManager: emu.endpoint, compute: proxyUrl } }));
  try {
    await expect(provider.createCluster({ name: 'shop', version: '1.33', nodePools: [{ name: 'p', instanceType: 'e2-standard-2', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/creating network shop-vpc.*without an operation name/),
    });
    // It stopped there: no subnetwork, no cluster.
    expect(emu.inventory()).toMatchObject({ subnetworks: [], clusters: [] });
  } finally {
    await provider.close();
  }
});

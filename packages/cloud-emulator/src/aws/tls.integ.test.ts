import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../index.js';
import { AwsEmulator } from './index.js';

describe('AwsEmulator over TLS', () => {
  it('serves HTTPS with a certificate from the given CA, on the same shell (log, close)', async () => {
    const ca = createCertificateAuthority();
    const emu = await AwsEmulator.start({ tls: { ca } });
    try {
      expect(emu.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${emu.endpoint}/`, { method: 'POST', ca: ca.caPem, agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end('Action=GetCallerIdentity&Version=2011-06-15');
      });
      // Unsigned: STS refuses it, in its own wire shape.
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('<Code>MissingAuthenticationToken</Code>');
      expect(emu.requests()).toMatchObject([{ service: 'sts', action: 'GetCallerIdentity', status: 403, errorCode: 'MissingAuthenticationToken' }]);
    } finally {
      await Promise.all([emu.close(), emu.close()]);
    }
  });
});

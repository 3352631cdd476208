import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FaultInjector, RequestLog, startEmulatorServer } from '../index.js';

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the server shell', () => {
  it('bounds bodies, hands faults to the handler, logs what it answered, turns errors into 500s, closes once', async () => {
    const log = new RequestLog();
    const faults = new FaultInjector();
    const server = await startEmulatorServer({
      service: 'demo',
      bodyLimit: 16,
      requestLogs: [log],
      faults,
      handler: async (req, _res, ctx) => {
        const body = (await ctx.readBody()).toString('utf8');
        if (body === 'boom') throw new Error('handler bug');
        ctx.operation = body;
        const fault = await ctx.applyFaults(`demo:${body}`, { mutating: true });
        if (fault.kind !== 'none') {
          ctx.errorCode = fault.kind === 'quota' ? 'QuotaExceeded' : 'Other';
          return ctx.respond(429, {}, fault.kind);
        }
        ctx.respond(200, { 'content-type': 'text/plain' }, `echo ${body} ${req.method ?? ''}`);
      },
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.caPem).toBeUndefined();
      expect(await post(server.url, 'hello')).toEqual({ status: 200, body: 'echo hello POST' });
      expect((await post(server.url, 'x'.repeat(17))).status).toBe(413);
      faults.addRule({ match: /^demo:quota$/, error: 'Quota', times: 1 });
      expect(await post(server.url, 'quota')).toEqual({ status: 429, body: 'quota' });
      expect((await post(server.url, 'boom')).status).toBe(500);
      expect(log.entries().map((e) => [e.service, e.status, e.operation, e.errorCode, e.fault])).toEqual([
        ['demo', 200, 'hello', undefined, undefined],
        ['demo', 413, undefined, undefined, undefined],
        ['demo', 429, 'quota', 'QuotaExceeded', 'quota'],
        ['demo', 500, undefined, undefined, undefined],
      ]);
    } finally {
      await Promise.all([server.close(), server.close()]);
    }
    await expect(post(server.url, 'late')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

import { createServer, type Server } from 'node:http';
// @ts-expect-error express 4 is installed under an alias for this test only; its types are not.
import express4 from 'express4';
// @ts-expect-error connect ships no types; the test uses its plain function API.
import connect from 'connect';
import { afterEach, describe, expect, it } from 'vitest';
import { ObservabilityStack } from '../src/index.js';
import { close, listen, parseExposition, sample } from './helpers/servers.js';

type Handler = (req: unknown, res: { statusCode: number; end(body?: string): void; json?: (v: unknown) => void }, next: () => void) => void;
interface MiniApp {
  use(...args: unknown[]): MiniApp;
  get?(path: string, handler: Handler): MiniApp;
}

describe('Express 4 and Connect use the same middleware', () => {
  let server: Server | undefined;
  afterEach(async () => close(server));

  it('Express 4: route templates from mount path + route path', async () => {
    const obs = new ObservabilityStack({ serviceName: 'e4', logging: false, tracing: false });
    const app = (express4 as () => MiniApp & { Router(): MiniApp })();
    app.use(...obs.getMiddleware());
    const router = (express4 as unknown as { Router(): MiniApp }).Router();
    router.get!('/orders/:id', (_req, res) => res.end('ok'));
    app.use('/v1', router);
    app.get!('/metrics', obs.metricsHandler() as unknown as Handler);
    server = createServer(app as unknown as Parameters<typeof createServer>[1]);
    const base = await listen(server);
    for (const id of ['1', '2']) expect((await fetch(`${base}/v1/orders/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/zzz`)).status).toBe(404);
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    expect(sample(m, 'gati_http_requests_total', 'route="/v1/orders/:id"', 'status_code="200"')).toBe(2);
    expect(sample(m, 'gati_http_requests_total', 'route="__unmatched__"', 'status_code="404"')).toBe(1);
  });

  it('Connect: requests are counted (no router: __unmatched__ unless setRoute names them), health served', async () => {
    const obs = new ObservabilityStack({ serviceName: 'connect', logging: false, tracing: false });
    const app = (connect as () => MiniApp)();
    app.use(...obs.getMiddleware());
    app.use('/metrics', obs.metricsHandler());
    app.use('/hello', ((_req, res) => res.end('hi')) as Handler);
    server = createServer(app as unknown as Parameters<typeof createServer>[1]);
    const base = await listen(server);
    expect(await (await fetch(`${base}/hello`)).text()).toBe('hi');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    expect(sample(m, 'gati_http_requests_total', 'method="GET"', 'status_code="200"')).toBe(1);
  });
});

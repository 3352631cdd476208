import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ObservabilityStack } from '../stack.js';

describe('request listeners run in the request span', () => {
  it('on/once/prepend listeners see the span when emitted outside it; removal by the original works', async () => {
    const obs = new ObservabilityStack({ serviceName: 'bind', environment: 'test', logging: false, tracing: {} });
    const req = new IncomingMessage(new Socket());
    req.method = 'POST';
    req.url = '/x';
    req.headers = {};
    const res = new ServerResponse(req);
    const [mw] = obs.getMiddleware();
    const seen: string[] = [];
    const record = (name: string) => (): void => {
      seen.push(`${name}:${trace.getActiveSpan()?.spanContext().traceId ?? 'none'}`);
    };
    const removed = record('removed');
    const removedOnce = record('removedOnce');
    mw!(req, res, () => {
      req.on('data', record('on'));
      req.addListener('data', record('addListener'));
      req.prependListener('data', record('prepend'));
      req.once('data', record('once'));
      req.prependOnceListener('data', record('prependOnce'));
      req.on('data', removed);
      req.once('data', removedOnce);
      req.removeListener('data', removed);
      req.off('data', removedOnce);
    });
    const traceId = res.getHeader('x-trace-id') as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(req.listeners('data')).not.toContain(removed);
    expect(req.listenerCount('data')).toBe(5);
    // Emitted later, from outside the middleware's context (as the HTTP parser does).
    await new Promise((r) => setImmediate(r));
    expect(trace.getActiveSpan()).toBeUndefined();
    req.emit('data', Buffer.from('a'));
    req.emit('data', Buffer.from('b'));
    expect(seen).toEqual([
      `prependOnce:${traceId}`,
      `prepend:${traceId}`,
      `on:${traceId}`,
      `addListener:${traceId}`,
      `once:${traceId}`,
      `prepend:${traceId}`,
      `on:${traceId}`,
      `addListener:${traceId}`,
    ]);
    expect(req.listenerCount('data')).toBe(3);
    res.emit('close');
    await obs.shutdown();
  });
});

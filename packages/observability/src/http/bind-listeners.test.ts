import { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindListeners } from './bind-listeners.js';

const KEY = createContextKey('request');
const seen = (out: unknown[]) => (): void => {
  out.push(context.active().getValue(KEY));
};

describe('bindListeners', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('binds IncomingMessages without writing onto them; other requests are unaffected', () => {
    const bound = new IncomingMessage(new Socket());
    const other = new IncomingMessage(new Socket());
    const keys = Reflect.ownKeys(bound).length;
    bindListeners(bound, ROOT_CONTEXT.setValue(KEY, 'bound'));
    expect(Reflect.ownKeys(bound)).toHaveLength(keys);
    const out: unknown[] = [];
    bound.on('end', seen(out));
    other.on('end', seen(out));
    bound.emit('end');
    other.emit('end');
    expect(out).toEqual(['bound', undefined]);
  });

  it('binds any other emitter (HTTP/2 compatibility requests) on the instance', () => {
    const req = new EventEmitter();
    bindListeners(req, ROOT_CONTEXT.setValue(KEY, 'h2'));
    const out: unknown[] = [];
    const l = seen(out);
    req.once('data', l);
    req.on('data', l);
    req.removeListener('data', l); // by the original function
    req.emit('data');
    req.emit('data');
    expect(out).toEqual(['h2']);
    expect(new EventEmitter().on).toBe(EventEmitter.prototype.on);
  });

  it('keeps an existing binding (OpenTelemetry context.bind sets own methods)', () => {
    const req = new IncomingMessage(new Socket());
    context.bind(ROOT_CONTEXT.setValue(KEY, 'first'), req);
    bindListeners(req, ROOT_CONTEXT.setValue(KEY, 'second'));
    const out: unknown[] = [];
    req.on('end', seen(out));
    req.emit('end');
    expect(out).toEqual(['first']);
  });
});

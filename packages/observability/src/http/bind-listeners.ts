import type { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import { context, type Context } from '@opentelemetry/api';

/**
 * Request body events ('data', 'end') are emitted by the HTTP parser, outside the
 * middleware's call stack, so body parsers (which call `next()` from them) would lose
 * the request span. Like OpenTelemetry's `context.bind(ctx, emitter)`, listeners added
 * to a bound request run in its context; unlike it, binding a request writes nothing
 * onto the request object: the listener methods of `IncomingMessage.prototype` are
 * replaced once per process and look the context up in a WeakMap. Adding even one
 * property to Express's request objects costs more than the whole lookup (measured
 * with callgrind: about 100,000 instructions per request for the six own methods
 * OpenTelemetry's bind would add).
 */

type Listener = (...args: unknown[]) => unknown;
type AddMethod = (this: EventEmitter, event: string | symbol, listener: Listener) => EventEmitter;
type AddName = 'on' | 'addListener' | 'prependListener';
type OnceName = 'once' | 'prependOnceListener';

interface Binding {
  contexts: WeakMap<object, Context>;
}

// One registry per process, even with two copies of this package loaded.
const BINDING = Symbol.for('gati-framework.observability.listener-binding');

function binding(): Binding {
  const proto = IncomingMessage.prototype as unknown as Record<symbol, Binding | undefined>;
  const existing = proto[BINDING];
  if (existing) return existing;
  const created: Binding = { contexts: new WeakMap() };
  patchListenerMethods(IncomingMessage.prototype, created.contexts);
  Object.defineProperty(IncomingMessage.prototype, BINDING, { value: created });
  return created;
}

/** Runs `listener` in `ctx`; `.listener` lets removeListener/listeners() see the original (Node's once-wrapper convention). */
function inContext(ctx: Context, listener: Listener): Listener {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return context.with(ctx, listener, this, ...args);
  } as Listener & { listener: Listener };
  wrapped.listener = listener;
  return wrapped;
}

/** Node's own once-wrapper shape (removes itself, then calls), the call made in `ctx`. */
function onceInContext(ctx: Context, event: string | symbol, listener: Listener): Listener {
  let fired = false;
  const wrapped = function (this: EventEmitter, ...args: unknown[]): unknown {
    if (fired) return undefined;
    fired = true;
    this.removeListener(event, wrapped); // emit() calls listeners with the emitter as `this`
    return context.with(ctx, listener, this, ...args);
  } as Listener & { listener: Listener };
  wrapped.listener = listener;
  return wrapped;
}

function methodOf(target: object, name: AddName | OnceName): AddMethod {
  return (target as Record<string, AddMethod>)[name]!;
}

/**
 * Defines on `target` listener methods that bind to `lookup(this)` when it has a context
 * and otherwise behave exactly like the inherited ones (which they call).
 */
function patchListenerMethods(target: object, contexts: WeakMap<object, Context>): void {
  const define = (name: AddName | OnceName, method: AddMethod): void => {
    Object.defineProperty(target, name, { value: method, writable: true, configurable: true, enumerable: false });
  };
  for (const name of ['on', 'addListener', 'prependListener'] as const) {
    const base = methodOf(target, name);
    define(name, function (this: EventEmitter, event, listener) {
      const ctx = typeof listener === 'function' ? contexts.get(this) : undefined;
      return base.call(this, event, ctx === undefined ? listener : inContext(ctx, listener));
    });
  }
  for (const [name, add] of [
    ['once', 'on'],
    ['prependOnceListener', 'prependListener'],
  ] as const) {
    const base = methodOf(target, name);
    // The inherited add method (Readable's `on` starts the flow of 'data', for instance), not our patched one.
    const baseAdd = methodOf(Object.getPrototypeOf(target) as object, add);
    define(name, function (this: EventEmitter, event, listener) {
      const ctx = typeof listener === 'function' ? contexts.get(this) : undefined;
      if (ctx === undefined) return base.call(this, event, listener);
      return baseAdd.call(this, event, onceInContext(ctx, event, listener));
    });
  }
}

/** Listeners added to `req` from now on run in `ctx`; removing them by the original function works. */
export function bindListeners(req: EventEmitter, ctx: Context): void {
  // Already bound by someone else (e.g. the OTel HTTP instrumentation's context.bind, which
  // sets own methods): like OpenTelemetry's own bind, the first binding stays.
  if (Object.prototype.hasOwnProperty.call(req, 'on')) return;
  if (req instanceof IncomingMessage) {
    binding().contexts.set(req, ctx);
    return;
  }
  // Other request objects (HTTP/2 compatibility requests): the same methods on the instance.
  const contexts = new WeakMap<object, Context>([[req, ctx]]);
  patchListenerMethods(req, contexts);
}

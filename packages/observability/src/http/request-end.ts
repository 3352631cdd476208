import { subscribe } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * When a request ends, without a listener on every response.
 *
 * A `close` listener per response costs more than it looks on Express: every response
 * object has a map of its own (see `beginRequest`), so adding the listener misses V8's
 * inline caches three times (`_events`, `_eventsCount` read and written), and the
 * `writableEnded` getter read at the end two more. Node's HTTP server already announces
 * both ends of every request on diagnostics channels (Node 20 and 24 both have them):
 * `http.server.request.start` (published just before the server's `'request'` event,
 * with the socket) and `http.server.response.finish` (from the server's own `'finish'`
 * handler). A response that never finishes ends with its connection, so one
 * `close` listener per connection (keep-alive: once for many requests) catches aborts.
 *
 * Used only for a response whose `request.start` message is the latest one when the
 * middleware runs (the middleware ran synchronously in the server's `'request'` event);
 * anything else (a middleware reached asynchronously, responses built by hand, HTTP/2
 * compatibility objects) gets the per-response `close` listener as before.
 */

/** `finished`: the response was handed to the connection in full (else: the connection closed first, or `close` fired). */
export interface RequestEnd {
  readonly res: ServerResponse;
  end(finished: boolean): void;
}

interface ServerMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
}

/** The inherited `on`, called directly: no lookup through the emitter's prototype chain. */
const addListener = EventEmitter.prototype.on;

// Process-wide on purpose, not per stack: the server channels are process-wide (one
// publish per request for every subscriber), a socket's requests may belong to several
// stacks, and `lastStart` is only meaningful as "the latest request of this process".
// Per-stack subscribers would each do this work on every request of every stack, and a
// stack's shutdown could not unsubscribe while requests of it are still pending.
/** Requests waiting for their end, per connection (more than one only with pipelining or several stacks). */
const pendingBySocket = new WeakMap<Socket, RequestEnd[]>();
let lastStart: ServerMessage | undefined;
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  // Subscribed for the life of the process: a response registered below must always hear its finish.
  subscribe('http.server.request.start', (message) => {
    lastStart = message as ServerMessage;
  });
  subscribe('http.server.response.finish', (message) => {
    const { socket, response } = message as ServerMessage;
    if (lastStart !== undefined && lastStart.response === response) lastStart = undefined;
    const pending = pendingBySocket.get(socket);
    if (pending !== undefined) endAll(pending, response, true);
  });
}

/** Ends (and removes) the entries of `res`, or all of them when `res` is undefined. */
function endAll(pending: RequestEnd[], res: ServerResponse | undefined, finished: boolean): void {
  // The usual case (keep-alive, one request at a time): no splice.
  if (pending.length === 1 && (res === undefined || pending[0]!.res === res)) {
    pending.pop()!.end(finished);
    return;
  }
  for (let i = 0; i < pending.length; ) {
    const entry = pending[i]!;
    if (res !== undefined && entry.res !== res) {
      i++;
      continue;
    }
    pending.splice(i, 1);
    entry.end(finished);
  }
}

function onSocketClose(this: Socket): void {
  const pending = pendingBySocket.get(this);
  if (pending === undefined) return;
  pendingBySocket.delete(this);
  endAll(pending, undefined, false);
}

/** Subscribes to the server channels; called when a stack with HTTP instrumentation is built. */
export function watchRequestEnds(): void {
  subscribeOnce();
}

/** Calls `entry.end()` once the request ends (see above for how); `res` is the entry's response. */
export function onRequestEnd(entry: RequestEnd, res: ServerResponse): void {
  const start = lastStart;
  if (start !== undefined && start.response === res) {
    const socket = start.socket;
    const pending = pendingBySocket.get(socket);
    if (pending !== undefined) {
      pending.push(entry);
      return;
    }
    if (!socket.destroyed) {
      pendingBySocket.set(socket, [entry]);
      addListener.call(socket, 'close', onSocketClose);
      return;
    }
  }
  addListener.call(res, 'close', () => entry.end(false));
}

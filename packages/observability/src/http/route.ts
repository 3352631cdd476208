import type { IncomingMessage } from 'node:http';
import { BASE_URL, ROUTE as ROUTE_KEY } from './keyed.js';

/** The route value of every request no route matched (404s, scanners). */
export const UNMATCHED_ROUTE = '__unmatched__';
/** The method value of every non-standard HTTP method. */
export const OTHER_METHOD = '_OTHER';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

export function normalizeMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : OTHER_METHOD;
}

const ROUTE = Symbol.for('gati-framework.observability.route');

/**
 * Whether any request was ever given an explicit route or a thrown error, shared by every
 * copy of this package in the process. Until then the per-request lookups are skipped:
 * a missing symbol on Express's request objects walks six prototypes, every request.
 */
export interface RequestMarks {
  routes: boolean;
  errors: boolean;
}
const MARKS = Symbol.for('gati-framework.observability.marks');
const g = globalThis as unknown as Record<symbol, RequestMarks | undefined>;
export const marks: RequestMarks = (g[MARKS] ??= { routes: false, errors: false });

/** Names the route template of a request, for handlers without a router (plain `node:http`). */
export function setRoute(req: IncomingMessage, template: string): void {
  marks.routes = true;
  (req as unknown as Record<symbol, string>)[ROUTE] = template;
}

export function getExplicitRoute(req: IncomingMessage): string | undefined {
  return marks.routes ? (req as unknown as Record<symbol, string | undefined>)[ROUTE] : undefined;
}

interface ExpressLikeRequest {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** Express/Connect: mount path + route path, never the raw URL. */
export function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as IncomingMessage & ExpressLikeRequest;
  const path = r[ROUTE_KEY]?.path;
  if (path === undefined) return undefined;
  const template = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : String(path);
  return `${r[BASE_URL] ?? ''}${template}` || '/';
}

/** The path of a URL without its query string. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

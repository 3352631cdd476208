import type { IncomingMessage } from 'node:http';
import { EksService } from './eks.js';
import type { AwsService } from './faults.js';
import { AwsApiError, QueryParams, requestId, toXml, type HandlerResult } from './wire.js';

/** The four wire protocols the AWS SDK v3 clients of these services speak. */
export type Protocol = 'rest-json' | 'json' | 'query' | 'ec2';

/** Which service, protocol and action a request is. */
export interface Route {
  service: AwsService;
  protocol: Protocol;
  action: string;
}

/** A request as the AWS handlers see it. */
export interface ParsedRequest {
  method: string;
  url: URL;
  segments: string[];
  query: Record<string, string>;
  params: QueryParams;
}

/** A response ready for the server shell. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  payload: string;
}

const XMLNS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};
const VERSIONS: Record<string, AwsService> = { '2010-05-08': 'iam', '2016-11-15': 'ec2', '2011-06-15': 'sts' };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function parseRequest(req: IncomingMessage, body: Buffer): ParsedRequest {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const query = Object.fromEntries(url.searchParams);
  const isForm = (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
  const form = isForm ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    segments: url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s)),
    query,
    params: new QueryParams({ ...query, ...form }),
  };
}

/** Routes by `X-Amz-Target` (JSON 1.1), the EKS REST paths, or the query `Version`; `undefined` for an unknown API. */
export function routeOf(req: IncomingMessage, parsed: ParsedRequest): Route | undefined {
  const target = header(req, 'x-amz-target');
  if (target?.startsWith('secretsmanager.')) return { service: 'secretsmanager', protocol: 'json', action: target.slice('secretsmanager.'.length) };
  const root = parsed.segments[0];
  if (root === 'clusters' || root === 'tags') return { service: 'eks', protocol: 'rest-json', action: EksService.operation(parsed.method, parsed.segments) };
  const service = VERSIONS[parsed.params.get('Version') ?? ''];
  if (!service) return undefined;
  return { service, protocol: service === 'ec2' ? 'ec2' : 'query', action: parsed.params.action };
}

export function encodeResult(route: Route, result: HandlerResult): WireResponse {
  switch (route.protocol) {
    case 'rest-json':
      return { status: 200, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(result) };
    case 'json':
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, payload: JSON.stringify(result) };
    case 'ec2':
      return {
        status: 200,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        payload: `<?xml version="1.0" encoding="UTF-8"?>\n<${route.action}Response xmlns="${XMLNS['ec2']}"><requestId>${requestId()}</requestId>${toXml(result, 'item')}</${route.action}Response>`,
      };
    case 'query': {
      const inner = Object.keys(result).length > 0 ? `<${route.action}Result>${toXml(result, 'member')}</${route.action}Result>` : '';
      return {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        payload: `<${route.action}Response xmlns="${XMLNS[route.service] ?? ''}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${route.action}Response>`,
      };
    }
  }
}

export function encodeError(route: Route, error: AwsApiError): WireResponse {
  switch (route.protocol) {
    case 'rest-json':
      return { status: error.status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code }, payload: JSON.stringify({ message: error.message }) };
    case 'json':
      return { status: error.status, headers: { 'content-type': 'application/x-amz-json-1.1' }, payload: JSON.stringify({ __type: error.code, message: error.message }) };
    case 'ec2':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        payload: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${toXml(error.code, 'item')}</Code><Message>${toXml(error.message, 'item')}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
      };
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml' },
        payload: `<ErrorResponse xmlns="${XMLNS[route.service] ?? ''}"><Error><Type>${error.type}</Type><Code>${toXml(error.code, 'member')}</Code><Message>${toXml(error.message, 'member')}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
      };
  }
}

/** The SigV4 failure as each protocol spells it. */
export function authError(protocol: Protocol, code: string, message: string): AwsApiError {
  if (protocol === 'rest-json' || protocol === 'json') {
    const json =
      {
        InvalidClientTokenId: 'UnrecognizedClientException',
        SignatureDoesNotMatch: 'InvalidSignatureException',
        MissingAuthenticationToken: 'MissingAuthenticationTokenException',
        RequestExpired: 'InvalidSignatureException',
        IncompleteSignature: 'IncompleteSignatureException',
      }[code] ?? code;
    return new AwsApiError(json, message, 403);
  }
  if (protocol === 'ec2') {
    if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch') return new AwsApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    return new AwsApiError(code, message, 400);
  }
  return new AwsApiError(code, message, code === 'RequestExpired' ? 400 : 403);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request body up to `limit` bytes (default 8 MiB); rejects with a 413-marked error beyond it. */
export async function readBody(request: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw Object.assign(new Error(`request body exceeds ${limit} bytes`), { statusCode: 413 });
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Sends a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

import { request } from 'node:https';
import type { KubernetesEmulator } from '../src/index.js';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test helper over arbitrary JSON
}

/** One HTTPS request to the emulator, trusting its CA; `token: null` sends no Authorization header. */
export function call(e: KubernetesEmulator, method: string, path: string, body?: unknown, options: { contentType?: string; token?: string | null } = {}): Promise<Reply> {
  const token = options.token === undefined ? e.token : options.token;
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${e.url}${path}`,
      {
        method,
        ca: e.caPem,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain text (healthz)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Collects watch events until `until` returns true or the time runs out. */
export function watchUntil(e: KubernetesEmulator, path: string, until: (events: { type: string; object: any }[]) => boolean, timeoutMs = 5000): Promise<{ type: string; object: any }[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const events: { type: string; object: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    let buf = '';
    const req = request(`${e.url}${path}`, { ca: e.caPem, headers: { authorization: `Bearer ${e.token}` } }, (res) => {
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line) as { type: string; object: unknown });
        }
        if (until(events)) {
          clearTimeout(timer);
          req.destroy();
          resolve(events);
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(events);
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`watch timed out with ${events.length} events`));
    }, timeoutMs);
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.end();
  });
}

export function deployment(name: string, image: string, replicas = 3, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] } },
      ...extra,
    },
  };
}

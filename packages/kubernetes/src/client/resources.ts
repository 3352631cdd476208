import { GatiError } from '@gati-framework/core';
import type { KubeTransport } from './transport.js';

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/** Resolves kind → REST path through discovery (`/api/v1`, `/apis/<group>/<version>`), cached per group version. */
export class ResourceResolver {
  private readonly cache = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(private readonly transport: KubeTransport) {}

  private load(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    let p = this.cache.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.transport.json<{ resources: { name: string; kind: string; namespaced: boolean }[] }>({ method: 'GET', path }, `discover ${apiVersion}`).then(({ body }) => {
        const m = new Map<string, ResourceInfo>();
        for (const r of body.resources) if (!r.name.includes('/')) m.set(r.kind, { plural: r.name, namespaced: r.namespaced });
        return m;
      });
      p.catch(() => this.cache.delete(apiVersion));
      this.cache.set(apiVersion, p);
    }
    return p;
  }

  async info(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = (await this.load(apiVersion)).get(kind);
    if (!info) throw new GatiError('INVALID_CONFIG', `The cluster serves no kind ${kind} in ${apiVersion}; check apiVersion and kind.`, { provider: 'kubernetes' });
    return info;
  }

  /** Collection path, e.g. `/apis/apps/v1/namespaces/shop/deployments`. */
  async collectionPath(apiVersion: string, kind: string, namespace: string | undefined): Promise<{ path: string; namespaced: boolean }> {
    const { plural, namespaced } = await this.info(apiVersion, kind);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return { path: `${prefix}${ns}/${plural}`, namespaced };
  }
}

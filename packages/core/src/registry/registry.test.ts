import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryCloudProvider } from '../testing/in-memory-provider.js';
import { createCloudProvider, registerCloudProvider, unregisterCloudProvider } from './registry.js';

describe('provider registry', () => {
  afterEach(() => {
    unregisterCloudProvider('acme');
    unregisterCloudProvider('aws');
  });

  it('returns an initialized provider from a registered factory', async () => {
    registerCloudProvider('acme', () => new InMemoryCloudProvider({ name: 'acme' }));
    const p = await createCloudProvider('acme', { region: 'x-1' });
    expect(p.name).toBe('acme');
    await expect(p.planCluster({ name: 'a', version: '1.31', nodePools: [{ name: 'p', instanceType: 't', minNodes: 1, desiredNodes: 1, maxNodes: 1 }] })).resolves.toMatchObject({
      clusterName: 'a',
    });
    await p.close();
  });

  it('names the package to install when a built-in provider is missing', async () => {
    // Plain Node resolution from the built core, as in an application that installed core alone
    // (inside this workspace Vitest's resolver, and the NODE_PATH pnpm sets, would find the sibling).
    const empty = await mkdtemp(join(tmpdir(), 'gati-registry-'));
    const core = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
    const script = `const { createCloudProvider } = await import(${JSON.stringify(core)});
      try { await createCloudProvider('azure', {}, { resolveFrom: ${JSON.stringify(empty)} }); console.log('loaded'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: empty, env: { PATH: process.env['PATH'] ?? '' } });
      const error = JSON.parse(stdout) as { code: string; message: string };
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(/npm install @gati-framework\/cloud-azure/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('loads a built-in provider package lazily from the application folder', async () => {
    const app = await mkdtemp(join(tmpdir(), 'gati-app-'));
    try {
      const pkg = join(app, 'node_modules', '@gati-framework', 'cloud-gcp');
      await mkdir(pkg, { recursive: true });
      await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@gati-framework/cloud-gcp', type: 'module', exports: { '.': './index.js' } }));
      // A tiny stand-in package: the real one is built in its own issue.
      await writeFile(
        join(pkg, 'index.js'),
        `export function cloudProviderFactory() {
           let region;
           return { name: 'gcp', async initialize(c) { region = c.region; }, async getCluster() { return { region }; }, async close() {} };
         }`,
      );
      const p = await createCloudProvider('gcp', { region: 'europe-west1' }, { resolveFrom: app });
      expect(p.name).toBe('gcp');
      expect(await p.getCluster('x')).toEqual({ region: 'europe-west1' });
    } finally {
      await rm(app, { recursive: true, force: true });
    }
  });

  it('rejects unknown names and invalid provider config', async () => {
    await expect(createCloudProvider('nope')).rejects.toThrow(/Unknown cloud provider "nope".*aws, gcp, azure/);
    registerCloudProvider('acme', () => new InMemoryCloudProvider());
    await expect(createCloudProvider('acme', { endpoint: 'not a url' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(() => registerCloudProvider('Bad Name', () => new InMemoryCloudProvider())).toThrow(/lowercase/);
  });

  it('lets a registered factory take precedence over a built-in name', async () => {
    registerCloudProvider('aws', () => new InMemoryCloudProvider({ name: 'aws' }));
    const p = await createCloudProvider('aws');
    expect(p).toBeInstanceOf(InMemoryCloudProvider);
    await p.close();
  });
});

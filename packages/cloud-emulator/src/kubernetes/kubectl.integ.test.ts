import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator } from '../index.js';

const run = promisify(execFile);
const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`[cloud-emulator] kubectl not found at ${KUBECTL}: the stock-kubectl tests are SKIPPED (apt-get install kubectl)`);

const manifest = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

describe.skipIf(!hasKubectl)('stock kubectl against the emulator', () => {
  let e: KubernetesEmulator;
  let dir: string;
  let kubeconfig: string;
  const kubectl = async (...args: string[]): Promise<string> => (await run(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 })).stdout;

  beforeAll(async () => {
    e = await startKubernetesEmulator({ delays: { podStartMs: 20, podReadyMs: 50, podTerminationMs: 20, resyncMs: 20 } });
    dir = mkdtempSync(join(tmpdir(), 'gati-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, e.kubeconfig());
  });
  afterAll(async () => {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies, waits for the rollout, gets, and undoes a rollout', async () => {
    const file = join(dir, 'app.yaml');
    writeFileSync(file, manifest('nginx:1.27'));
    expect(await kubectl('apply', '-f', file)).toMatch(/deployment.apps\/web created[\s\S]*service\/web created/);
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain('successfully rolled out');
    expect(await kubectl('get', 'deployments')).toMatch(/web\s+3\/3\s+3\s+3/);
    const pods = JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: { status: { phase: string } }[] };
    expect(pods.items.map((p) => p.status.phase)).toEqual(['Running', 'Running', 'Running']);

    writeFileSync(file, manifest('nginx:1.28'));
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/web configured');
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/web unchanged');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain('successfully rolled out');
    expect(await kubectl('apply', '--server-side', '-f', file)).toContain('serverside-applied');

    expect(await kubectl('rollout', 'undo', 'deployment/web')).toContain('rolled back');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain('successfully rolled out');
    const d = JSON.parse(await kubectl('get', 'deployment', 'web', '-o', 'json')) as { metadata: { annotations: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(d.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    // The undo reused the first ReplicaSet rather than creating a third.
    expect(e.listObjects('ReplicaSet', 'default')).toHaveLength(2);

    expect(await kubectl('delete', 'deployment', 'web', '--cascade=foreground', '--timeout=20s')).toContain('deployment.apps "web" deleted');
    expect(e.getObject('Deployment', 'default', 'web')).toBeUndefined();
    expect(e.listObjects('Pod', 'default')).toHaveLength(0);
  });
});

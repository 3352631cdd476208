import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AwsEmulator } from '@gati-framework/cloud-emulator/aws';
import type { ProgressEvent } from '@gati-framework/core';
import { expectGatiError } from '@gati-framework/core/testing';
import { KubeClient } from '@gati-framework/kubernetes';
import { describeKubernetesContract } from '@gati-framework/kubernetes/testing';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSCloudProvider, mintEksToken } from '../index.js';
import { credentials, providerConfig, startEmulator } from '../../test/emulator.js';

const run = promisify(execFile);
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);
if (!hasKubectl) console.warn('[cloud-aws] kubectl not found: the kubectl part of the EKS kubeconfig test is SKIPPED (apt-get install kubectl)');

// A stand-in for the AWS CLI: insists on `eks get-token --cluster-name`, prints the ExecCredential kubectl and client-node expect.
const awsStandIn = `#!/bin/sh
case " $* " in *" eks get-token "*"--cluster-name "*) ;; *) echo "unexpected arguments: $*" >&2; exit 2;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' "$STAND_IN_TOKEN"
`;

let emu: AwsEmulator;
let provider: AWSCloudProvider;
let dir: string;
/** A Kubernetes client through the public API only: a token kubeconfig from the provider. */
async function kubeClientFor(clusterName: string): Promise<KubeClient> {
  return KubeClient.fromKubeconfig(await provider.getKubeconfig(clusterName, { auth: 'token' }));
}

const pools = [{ name: 'p', instanceType: 't3.large', minNodes: 1, desiredNodes: 1, maxNodes: 2 }];

/** GET on the cluster's API with a bearer token; returns the HTTP status. */
function apiStatus(server: string, caPem: string, token: string, path = '/api/v1/namespaces'): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${server}${path}`, { ca: caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  emu = await startEmulator({ kubernetes: true });
  provider = new AWSCloudProvider();
  await provider.initialize(providerConfig(emu));
  await provider.createCluster({ name: 'kube-a', version: '1.31', nodePools: pools });
  await provider.createCluster({ name: 'kube-b', version: '1.31', nodePools: pools });
  dir = mkdtempSync(join(tmpdir(), 'gati-aws-'));
  writeFileSync(join(dir, 'aws'), awsStandIn, { mode: 0o755 });
  chmodSync(join(dir, 'aws'), 0o755);
});
afterAll(async () => {
  await provider.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('EKS clusters expose a Kubernetes API that accepts only their own tokens', () => {
  it('the cluster endpoint and CA come from the cluster API; a minted token is accepted there and refused elsewhere', async () => {
    const kc = parse(await provider.getKubeconfig('kube-a', { auth: 'token' })) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const server = kc.clusters[0]?.cluster.server ?? '';
    const ca = Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString();
    expect(server).toBe(emu.kubernetes?.api('kube-a')?.url);
    const token = kc.users[0]?.user.token ?? '';
    expect(await apiStatus(server, ca, token)).toBe(200);
    const tokenB = (await provider.getToken('kube-b')).token;
    expect(await apiStatus(server, ca, tokenB)).toBe(401);
    const expired = await mintEksToken({ clusterName: 'kube-a', region: 'us-east-1', credentials, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(await apiStatus(server, ca, expired.token)).toBe(401);
    const forged = await mintEksToken({ clusterName: 'kube-a', region: 'us-east-1', credentials: { ...credentials, secretAccessKey: 'guessed' } });
    expect(await apiStatus(server, ca, forged.token)).toBe(401);
  });

  it.skipIf(!hasKubectl)('stock kubectl is refused with another cluster’s token', async () => {
    const wrong = parse(await provider.getKubeconfig('kube-a', { auth: 'token' })) as { users: { user: { token: string } }[] };
    const first = wrong.users[0];
    if (first) first.user.token = (await provider.getToken('kube-b')).token;
    const wrongFile = join(dir, 'kubeconfig-wrong');
    const { stringify } = await import('yaml');
    writeFileSync(wrongFile, stringify(wrong), { mode: 0o600 });
    await expect(run('kubectl', ['--kubeconfig', wrongFile, 'get', 'configmaps'])).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|must be logged in/i) });
  });
});

describe('@gati-framework/kubernetes and load balancers on an EKS cluster', () => {
  it('application: an ALB Ingress (class alb, scheme, ip targets, health check, TLS redirect) and its address', async () => {
    const events: ProgressEvent[] = [];
    const info = await provider.createLoadBalancer(
      {
        clusterName: 'kube-a',
        name: 'shop-web',
        type: 'application',
        selector: { app: 'shop' },
        port: 80,
        targetPort: 8080,
        healthCheck: { path: '/healthz', intervalSeconds: 10, timeoutSeconds: 3 },
        ssl: { certificateId: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
      },
      { onProgress: (e) => events.push(e) },
    );
    expect(info).toMatchObject({ name: 'shop-web', namespace: 'default', clusterName: 'kube-a', type: 'application', status: 'ACTIVE' });
    expect(info.endpoint).toMatch(/^k8s-default-shop-web-[0-9a-f]{16}\.elb\.us-east-1\.amazonaws\.com$/);
    expect(events[0]?.phase).toBe('started');
    expect(events.at(-1)?.phase).toBe('succeeded');
    const api = emu.kubernetes?.api('kube-a');
    const ingress = api?.getObject('Ingress', 'default', 'shop-web') as { metadata: { annotations: Record<string, string> }; spec: { ingressClassName: string; rules: { http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[] } };
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/healthcheck-path': '/healthz',
      'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '10',
      'alb.ingress.kubernetes.io/healthcheck-timeout-seconds': '3',
      'alb.ingress.kubernetes.io/healthy-threshold-count': '2',
      'alb.ingress.kubernetes.io/unhealthy-threshold-count': '2',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
    });
    expect(ingress.spec.rules[0]?.http.paths[0]?.backend.service).toEqual({ name: 'shop-web', port: { number: 8080 } });
    expect(api?.getObject('Service', 'default', 'shop-web')).toMatchObject({ spec: { type: 'ClusterIP', selector: { app: 'shop' } } });

    await provider.deleteLoadBalancer({ clusterName: 'kube-a', name: 'shop-web' });
    expect(api?.getObject('Ingress', 'default', 'shop-web')).toBeUndefined();
    expect(api?.getObject('Service', 'default', 'shop-web')).toBeUndefined();
    await expectGatiError(provider.deleteLoadBalancer({ clusterName: 'kube-a', name: 'shop-web' }), 'NOT_FOUND');
  });

  it('network: an NLB Service fronting an existing Service, internal scheme', async () => {
    const kube = await kubeClientFor('kube-a');
    await kube.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'default' }, spec: { selector: { app: 'api' }, ports: [{ port: 9000, targetPort: 9000 }] } }]);
    const info = await provider.createLoadBalancer({ clusterName: 'kube-a', name: 'api-nlb', type: 'network', scheme: 'internal', serviceName: 'api', port: 443, targetPort: 9000 });
    expect(info.endpoint).toMatch(/\.elb\.us-east-1\.amazonaws\.com$/);
    const svc = emu.kubernetes?.api('kube-a')?.getObject('Service', 'default', 'api-nlb') as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', selector: { app: 'api' }, ports: [{ port: 443, targetPort: 9000, protocol: 'TCP' }] });
    expect(svc.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
    });
    await provider.deleteLoadBalancer({ clusterName: 'kube-a', name: 'api-nlb' });
    expect(emu.kubernetes?.api('kube-a')?.getObject('Service', 'default', 'api')).toBeDefined();
    await expectGatiError(provider.createLoadBalancer({ clusterName: 'kube-a', name: 'ghost', type: 'network', serviceName: 'missing', port: 80, targetPort: 80 }), 'NOT_FOUND');
  });

  it('deleting both clusters removes their load balancers first, leaves the inventory empty and stops their API servers', async () => {
    const server = emu.kubernetes?.api('kube-a')?.url;
    await provider.createLoadBalancer({ clusterName: 'kube-b', name: 'left-over', namespace: 'kube-public', type: 'network', selector: { app: 'x' }, port: 80, targetPort: 80 });
    const kube = await kubeClientFor('kube-b');
    await kube.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'app-svc', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'gati' } }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }]);
    const apiB = emu.kubernetes?.api('kube-b');
    await provider.deleteCluster('kube-a');
    const events: ProgressEvent[] = [];
    await provider.deleteCluster('kube-b', { onProgress: (e) => events.push(e) });
    expect(events.some((e) => e.resource === 'load-balancer/kube-b/kube-public/left-over' && e.phase === 'succeeded')).toBe(true);
    expect(apiB?.getObject('Service', 'kube-public', 'left-over')).toBeUndefined();
    expect(apiB?.getObject('Service', 'default', 'app-svc')).toBeDefined(); // not a load balancer: left alone
    const inv = emu.inventory();
    expect([inv.clusters, inv.nodegroups, inv.roles, inv.vpcs, inv.subnets, inv.internetGateways, inv.routeTables, inv.secrets]).toEqual([[], [], [], [], [], [], [], []]);
    await new Promise((r) => setTimeout(r, 50));
    expect(emu.kubernetes?.api('kube-a')).toBeUndefined();
    expect(server).toBeDefined();
  });
});

describeKubernetesContract({
  provider: () => provider,
  clusterConfig: (name) => ({ name, version: '1.33', nodePools: pools }),
  execCommand: 'aws',
  // The AWS CLI stand-in, printing a token minted for the contract's first cluster.
  execEnv: async () => ({ PATH: `${dir}:${process.env['PATH'] ?? ''}`, STAND_IN_TOKEN: (await provider.getToken('lb-contract-a')).token }),
  networkAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal', 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/readyz' },
  application: { ingressClassName: 'alb', annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing', 'alb.ingress.kubernetes.io/healthcheck-path': '/readyz' } },
  inventory: () => emu.inventory(),
});

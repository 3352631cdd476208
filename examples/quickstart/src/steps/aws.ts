import { AwsEmulator, DEFAULT_EMULATOR_CREDENTIALS } from '@gati-framework/cloud-emulator/aws';
import type { Printer } from '../print.js';
import { demoCluster, runCloudChain } from './cloud-chain.js';

/**
 * The AWS chain against the in-process AWS emulator (EKS, IAM, EC2, Secrets Manager, and a
 * Kubernetes API per cluster), with a minted EKS token and an ALB Ingress.
 * Set GATI_QUICKSTART_REAL_AWS=1 to run it against real AWS with your own credentials (it creates billable resources).
 */
export async function runAwsStep(print: Printer): Promise<void> {
  const notes: string[] = [];
  if (Number(process.versions.node.split('.')[0]) < 22 && process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] === undefined) {
    // The SDK's multi-line notice would drown the demo's output; say it in one line instead.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
    notes.push(`note: AWS SDK v3 releases after January 2027 need Node 22 or newer (this is Node ${process.versions.node})`);
  }
  await runCloudChain(print, {
    cloud: 'aws',
    label: 'AWS',
    product: 'EKS',
    realFlag: 'GATI_QUICKSTART_REAL_AWS',
    providerOptions: { region: process.env['AWS_REGION'] ?? 'us-east-1' },
    realTimeoutMs: 40 * 60_000,
    notes,
    cluster: demoCluster('1.31', 'm6i.large', 'c6i.xlarge'),
    loadBalancer: { name: 'shop-web-alb', namespace: 'shop', type: 'application', serviceName: 'shop-web', port: 80, targetPort: 8080, healthCheck: { path: '/readyz' } },
    words: { token: 'an in-process EKS token (k8s-aws-v1.…)', loadBalancer: 'ALB (Ingress class alb)', secrets: 'Secrets Manager', deleted: 'node groups, cluster, IAM roles and VPC' },
    async startEmulator(print) {
      const emulator = await AwsEmulator.start({ kubernetes: { delays: { podStartMs: 100, podReadyMs: 150, loadBalancerMs: 300 } } });
      print.line(`AWS emulator at ${emulator.endpoint} (region ${emulator.region}); every EKS cluster gets its own Kubernetes API`);
      return {
        providerOptions: { region: emulator.region, endpoint: emulator.endpoint, credentials: DEFAULT_EMULATOR_CREDENTIALS },
        inventory: () => emulator.inventory(),
        close: () => emulator.close(),
      };
    },
  });
}

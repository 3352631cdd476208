import { intFlags, type EmulatorModule } from '../common/module.js';
import { DEFAULT_EMULATOR_CREDENTIALS } from './credentials.js';

/**
 * The AWS API emulator (EKS with a Kubernetes API per cluster, IAM, EC2, Secrets Manager, STS) as a
 * `gati-emulator` module. Light on purpose: the emulator itself is imported only in `start()`.
 */
export const awsEmulatorModule: EmulatorModule = {
  name: 'aws',
  description: 'AWS APIs (EKS, IAM, EC2, Secrets Manager, STS); every EKS cluster gets its own Kubernetes API that accepts EKS tokens',
  flags: {
    'aws-port': 'port of the AWS endpoint (default: a free port)',
    'aws-region': 'region (default us-east-1)',
    'aws-access-key-id': `access key id to accept (default ${DEFAULT_EMULATOR_CREDENTIALS.accessKeyId})`,
    'aws-secret-access-key': 'secret key to accept (default: the documented emulator test key)',
    'eks-create-ms': 'milliseconds from CreateCluster to ACTIVE (default 300)',
    'nodegroup-create-ms': 'milliseconds from CreateNodegroup to ACTIVE (default 200)',
  },
  async start(context, flags) {
    const credentials = {
      accessKeyId: flags['aws-access-key-id'] ?? DEFAULT_EMULATOR_CREDENTIALS.accessKeyId,
      secretAccessKey: flags['aws-secret-access-key'] ?? DEFAULT_EMULATOR_CREDENTIALS.secretAccessKey,
    };
    const { AwsEmulator } = await import('./server.js');
    const emulator = await AwsEmulator.start({
      ...(flags['aws-region'] ? { region: flags['aws-region'] } : {}),
      ...intFlags(flags, { port: 'aws-port' }),
      host: context.host,
      credentials: [credentials],
      kubernetes: { ca: context.ca, logger: context.logger },
      timings: intFlags(flags, { clusterCreateMs: 'eks-create-ms', nodegroupCreateMs: 'nodegroup-create-ms' }),
      logger: context.logger,
      sharedRequestLog: context.requestLog,
    });
    return {
      endpoints: () => [
        { name: 'AWS_ENDPOINT_URL', url: emulator.endpoint },
        { name: 'AWS_REGION', url: emulator.region },
        { name: 'AWS_ACCESS_KEY_ID', url: credentials.accessKeyId },
      ],
      // What the AWS SDKs and CLI read; the EKS clusters' Kubernetes APIs trust the kit's CA.
      env: (files) => ({
        AWS_ENDPOINT_URL: emulator.endpoint,
        AWS_REGION: emulator.region,
        AWS_DEFAULT_REGION: emulator.region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...(emulator.endpoint.startsWith('https:') && files.ca ? { AWS_CA_BUNDLE: files.ca } : {}),
      }),
      close: () => emulator.close(),
    };
  },
};

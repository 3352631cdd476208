import { intFlags, type EmulatorModule } from '../common/module.js';

/** The Kubernetes API emulator as a `gati-emulator` module; its implementation is imported in `start()`. */
export const kubernetesEmulatorModule: EmulatorModule = {
  name: 'kubernetes',
  description: 'Kubernetes API server with deployment, replica set, endpoint and load balancer controllers',
  flags: {
    'k8s-port': 'port of the Kubernetes API (default: a free port)',
    'k8s-token': 'bearer token to accept (default: random; written into the kubeconfig)',
    'k8s-cluster-name': 'cluster and context name (default gati-emulator)',
    'pod-ready-ms': 'milliseconds from pod start to Ready (default 300)',
    'load-balancer-ms': 'milliseconds until a LoadBalancer gets an address (default 500)',
  },
  async start(context, flags) {
    const { startKubernetesEmulator } = await import('./emulator.js');
    const emulator = await startKubernetesEmulator({
      host: context.host,
      ca: context.ca,
      requestLog: context.requestLog,
      logger: context.logger,
      ...intFlags(flags, { port: 'k8s-port' }),
      ...(flags['k8s-token'] ? { token: flags['k8s-token'] } : {}),
      ...(flags['k8s-cluster-name'] ? { clusterName: flags['k8s-cluster-name'] } : {}),
      delays: intFlags(flags, { podReadyMs: 'pod-ready-ms', loadBalancerMs: 'load-balancer-ms' }),
    });
    return {
      endpoints: () => [{ name: 'kubernetes', url: emulator.url }],
      artifacts: () => ({ kubeconfig: emulator.kubeconfig() }),
      // The kubeconfig carries the server, CA and token; only its path is needed.
      env: (files): Record<string, string> => (files.artifacts['kubeconfig'] ? { KUBECONFIG: files.artifacts['kubeconfig'] } : {}),
      close: () => emulator.close(),
    };
  },
};

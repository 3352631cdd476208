// Run in a child process by env.integ.test.ts: the provider configured only by the lines
// `gati-emulator --env-file` writes (NODE_EXTRA_CA_CERTS must be set before Node starts).
import { AzureCloudProvider } from '../src/index.js';

const provider = new AzureCloudProvider();
await provider.initialize({ location: 'westeurope' });
await provider.storeSecret({ name: 'env-check', values: { ok: 'yes' } });
const secret = await provider.retrieveSecret('env-check');
const plan = await provider.planCluster({ name: 'env', version: '1.31', nodePools: [{ name: 'p', instanceType: 'Standard_D2s_v5', minNodes: 1, desiredNodes: 1, maxNodes: 2 }] });
await provider.close();
process.stdout.write(JSON.stringify({ secret, steps: plan.steps.map((s) => `${s.kind}:${s.action}`) }));

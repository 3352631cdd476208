// Its own entry because it imports vitest (an optional peer): `./testing` must load without it.
export { describeCloudProviderContract } from './contract-suite.js';
export type { ContractOptions } from './contract-cases.js';

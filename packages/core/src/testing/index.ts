export { InMemoryCloudProvider, type InMemoryCloudProviderOptions } from './in-memory-provider.js';
export {
  contractCases,
  createContractContext,
  defaultContractCluster,
  expectGatiError,
  type ContractCase,
  type ContractContext,
  type ContractOptions,
} from './contract-cases.js';
export { describeCloudProviderContract } from './contract-suite.js';

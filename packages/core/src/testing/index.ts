// Loads without a test runner: the Vitest suite lives in `@gati-framework/core/testing/contract`.
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

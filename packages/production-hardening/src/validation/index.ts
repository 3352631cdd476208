export { ConfigValidator, deploymentConfigJSONSchema } from './config-validator.js';
export { validateJSONSchema } from './json-schema.js';
export {
  DeploymentConfigSchema,
  IMAGE_PATTERN,
  WorkloadTypeSchema,
  type DeploymentConfig,
  type DeploymentConfigInput,
  type WorkloadType,
} from './deployment-config.js';
export { checkDeploymentRules, isPinnedImage, type RuleResult } from './rules.js';
export { QUANTITY_PATTERN, cpuMillicores, formatCpu, formatMemory, isQuantity, memoryBytes, parseQuantity, type Quantity } from './quantity.js';

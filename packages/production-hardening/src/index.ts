export { SecretManager, type OpenSecretStoreOptions, type SecretManagerOptions } from './secrets/secret-manager.js';
export { SecretStore, type KeyVersionInfo, type RotateOptions, type RotationResult } from './secrets/secret-store.js';
export type { RotationEvent } from './secrets/store-format.js';
export { SecretIntegrityError, isSecretIntegrityError, type SecretIntegrityReason } from './secrets/errors.js';
export { DEFAULT_SCRYPT_N } from './secrets/kdf.js';
export { Sanitizer, type SanitizerOptions } from './secrets/sanitize.js';
export { sanitizeFormat, type SanitizeFormat } from './secrets/winston-format.js';
export { validateSecretStrength, type StrengthOptions, type StrengthResult } from './secrets/strength.js';
export type { FileLockOptions } from './secrets/file-lock.js';

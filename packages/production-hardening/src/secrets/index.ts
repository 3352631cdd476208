export { AppSecrets, type AppSecretsOptions, type OpenSecretStoreOptions } from './app-secrets.js';
export { SecretStore, type KeyVersionInfo, type RotateOptions, type RotationResult } from './secret-store.js';
export type { RotationEvent } from './store-format.js';
export { SecretIntegrityError, isSecretIntegrityError, type SecretIntegrityReason } from './errors.js';
export { DEFAULT_SCRYPT_N } from './kdf.js';
export { Sanitizer, type SanitizerOptions } from './sanitize.js';
export { sanitizeFormat, type SanitizeFormat } from './winston-format.js';
export { validateSecretStrength, type StrengthOptions, type StrengthResult } from './strength.js';
export type { FileLockOptions } from './file-lock.js';

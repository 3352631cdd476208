import type { EmulatorCredential } from './sigv4.js';

/** A test key pair the emulator accepts by default; not a real AWS credential. */
export const DEFAULT_EMULATOR_CREDENTIALS: EmulatorCredential = {
  accessKeyId: 'AKIAEMULATOR00000001',
  secretAccessKey: 'emulator/secret/key/not/a/real/one/000001',
  userName: 'gati-emulator',
};

import { readFileSync } from 'node:fs';
import { GatiError } from '../errors/gati-error.js';

/**
 * The PEM of an extra CA named by the environment: `GATI_EMULATOR_CA_FILE` (what `gati-emulator
 * --env-file` writes), else `NODE_EXTRA_CA_CERTS` (which Node itself reads only at start-up, so a
 * provider created later must read it too). Undefined when neither is set; INVALID_CONFIG at `ca`
 * when the file cannot be read.
 */
export function extraCaFromEnvironment(provider: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env['GATI_EMULATOR_CA_FILE'] || env['NODE_EXTRA_CA_CERTS'];
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatiError('INVALID_CONFIG', `Cannot read the CA file ${path} (from GATI_EMULATOR_CA_FILE / NODE_EXTRA_CA_CERTS): ${(error as Error).message}`, {
      provider,
      cause: error,
      details: { issues: [{ path: 'ca', message: 'unreadable CA file', code: 'custom' }] },
    });
  }
}

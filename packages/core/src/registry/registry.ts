import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GatiError, isGatiError } from '../errors/gati-error.js';
import type { BaseProviderConfig, ICloudProvider } from '../provider/cloud-provider.js';

/** Makes an uninitialized provider; `createCloudProvider` initializes it. */
export type CloudProviderFactory = (config: BaseProviderConfig) => ICloudProvider | Promise<ICloudProvider>;

/** The built-in providers and the package each lives in. Each package exports `cloudProviderFactory`. */
export const BUILTIN_PROVIDER_PACKAGES = {
  aws: '@gati-framework/cloud-aws',
  gcp: '@gati-framework/cloud-gcp',
  azure: '@gati-framework/cloud-azure',
} as const;

export type BuiltinProviderName = keyof typeof BUILTIN_PROVIDER_PACKAGES;

const registered = new Map<string, CloudProviderFactory>();

/** Registers (or replaces) the factory for a provider name, taking precedence over built-ins. */
export function registerCloudProvider(name: string, factory: CloudProviderFactory): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new GatiError('INVALID_CONFIG', `Provider name "${name}" must be lowercase letters, digits and "-".`);
  }
  registered.set(name, factory);
}

/** Removes a registered factory; built-ins stay available. */
export function unregisterCloudProvider(name: string): boolean {
  return registered.delete(name);
}

function isModuleNotFound(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && (e.message ?? '').includes(pkg);
}

/**
 * Loads a provider package: from the application (the current directory) first,
 * since with strict installs core cannot see its siblings, then from core itself.
 */
async function importProviderPackage(pkg: string, resolveFrom: string): Promise<Record<string, unknown>> {
  try {
    const resolved = createRequire(join(resolveFrom, 'noop.js')).resolve(pkg);
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (error) {
    if (!isModuleNotFound(error, pkg)) throw error;
  }
  return (await import(pkg)) as Record<string, unknown>;
}

async function loadFactory(name: string, resolveFrom: string): Promise<CloudProviderFactory> {
  const own = registered.get(name);
  if (own) return own;
  const pkg = (BUILTIN_PROVIDER_PACKAGES as Record<string, string | undefined>)[name];
  if (!pkg) {
    const known = [...new Set([...Object.keys(BUILTIN_PROVIDER_PACKAGES), ...registered.keys()])].join(', ');
    throw new GatiError('INVALID_CONFIG', `Unknown cloud provider "${name}". Known providers: ${known}. Register others with registerCloudProvider().`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importProviderPackage(pkg, resolveFrom);
  } catch (error) {
    if (isModuleNotFound(error, pkg)) {
      throw new GatiError('INVALID_CONFIG', `The "${name}" provider needs the package ${pkg}: install it with \`npm install ${pkg}\` (or pnpm add ${pkg}).`, {
        cause: error,
      });
    }
    throw error;
  }
  const factory = mod['cloudProviderFactory'];
  if (typeof factory !== 'function') {
    throw new GatiError('PROVIDER_ERROR', `${pkg} does not export a cloudProviderFactory function; is it a Gati provider package?`);
  }
  return factory as CloudProviderFactory;
}

/** Options of {@link createCloudProvider}. */
export interface CreateCloudProviderOptions {
  /** Folder to resolve provider packages from. Default `process.cwd()`. */
  resolveFrom?: string;
}

/**
 * Returns an initialized provider. Built-in packages load lazily; a missing one
 * rejects with `INVALID_CONFIG` naming the package to install.
 */
export async function createCloudProvider(
  name: BuiltinProviderName | (string & {}),
  config: BaseProviderConfig = {},
  options: CreateCloudProviderOptions = {},
): Promise<ICloudProvider> {
  const factory = await loadFactory(name, options.resolveFrom ?? process.cwd());
  const provider = await factory(config);
  try {
    await provider.initialize(config);
  } catch (error) {
    await provider.close().catch(() => undefined);
    throw isGatiError(error) ? error : new GatiError('PROVIDER_ERROR', `Initializing the "${name}" provider failed.`, { cause: error });
  }
  return provider;
}

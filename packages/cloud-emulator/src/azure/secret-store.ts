import { randomBytes } from 'node:crypto';
import { AzureApiError, isObject, tagsOf, type Json } from './wire.js';

/** Largest secret value Key Vault takes, in bytes (25 KB). */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;
const NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** Days a soft-deleted secret stays recoverable. */
const RECOVERABLE_DAYS = 90;

/** One version of a secret, with its name and (when soft-deleted) deletion dates; times in unix seconds. */
export interface SecretView {
  name: string;
  version: string;
  value: string;
  contentType?: string;
  tags: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
  /** Lists name secrets without a version. */
  versionless?: boolean;
}

interface Secret {
  name: string;
  /** Oldest first; the last is the current version. */
  versions: SecretView[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
}

const now = (): number => Math.floor(Date.now() / 1000);

function checkName(name: string): void {
  if (!NAME.test(name)) throw new AzureApiError(400, 'BadParameter', `The request URI contains an invalid name: ${name.slice(0, 140)}. Secret names are 1-127 letters, digits and '-'.`);
}

function notFound(name: string, version = ''): AzureApiError {
  return new AzureApiError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

function attributesOf(body: Json): { enabled?: boolean; nbf?: number; exp?: number } {
  const a = isObject(body['attributes']) ? body['attributes'] : {};
  return {
    ...(typeof a['enabled'] === 'boolean' ? { enabled: a['enabled'] } : {}),
    ...(typeof a['nbf'] === 'number' ? { nbf: a['nbf'] } : {}),
    ...(typeof a['exp'] === 'number' ? { exp: a['exp'] } : {}),
  };
}

/** One vault's secrets: versions, soft delete (deleted → recover or purge). */
export class SecretStore {
  private readonly secrets = new Map<string, Secret>();

  liveNames(): string[] {
    return [...this.secrets.values()].filter((s) => !s.deleted).map((s) => s.name);
  }

  deletedNames(): string[] {
    return [...this.secrets.values()].filter((s) => s.deleted).map((s) => s.name);
  }

  /** `PUT /secrets/{name}`: a new version; 409 while the name is soft-deleted. */
  set(name: string, body: Json): SecretView {
    checkName(name);
    const value = body['value'];
    if (typeof value !== 'string') throw new AzureApiError(400, 'BadParameter', 'Property value is required and must be a string.');
    if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES) throw new AzureApiError(400, 'BadParameter', `The secret value is ${Buffer.byteLength(value, 'utf8')} bytes: Key Vault takes at most ${MAX_SECRET_VALUE_BYTES} bytes (25 KB).`);
    const existing = this.secrets.get(name.toLowerCase());
    if (existing?.deleted) {
      throw new AzureApiError(409, 'Conflict', `Secret ${existing.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`);
    }
    const t = now();
    const a = attributesOf(body);
    const view: SecretView = {
      name: existing?.name ?? name,
      version: randomBytes(16).toString('hex'),
      value,
      ...(typeof body['contentType'] === 'string' ? { contentType: body['contentType'] } : {}),
      tags: tagsOf(body['tags']),
      enabled: a.enabled ?? true,
      ...(a.nbf !== undefined ? { nbf: a.nbf } : {}),
      ...(a.exp !== undefined ? { exp: a.exp } : {}),
      created: t,
      updated: t,
    };
    if (existing) existing.versions.push(view);
    else this.secrets.set(name.toLowerCase(), { name, versions: [view] });
    return view;
  }

  private live(name: string): Secret {
    checkName(name);
    const s = this.secrets.get(name.toLowerCase());
    if (!s || s.deleted) throw notFound(name);
    return s;
  }

  private version(s: Secret, version: string): SecretView {
    const v = version === '' ? s.versions[s.versions.length - 1] : s.versions.find((x) => x.version === version.toLowerCase());
    if (!v) throw notFound(s.name, version);
    return v;
  }

  /** `GET /secrets/{name}/{version}` (latest for an empty version); 403 for a disabled version, as Key Vault. */
  get(name: string, version: string): SecretView {
    const v = this.version(this.live(name), version);
    if (!v.enabled) throw new AzureApiError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.');
    return v;
  }

  /** `PATCH /secrets/{name}/{version}`: attributes, tags, content type. */
  update(name: string, version: string, body: Json): SecretView {
    const v = this.version(this.live(name), version);
    const a = attributesOf(body);
    if (a.enabled !== undefined) v.enabled = a.enabled;
    if (a.nbf !== undefined) v.nbf = a.nbf;
    if (a.exp !== undefined) v.exp = a.exp;
    if (body['tags'] !== undefined) v.tags = tagsOf(body['tags']);
    if (typeof body['contentType'] === 'string') v.contentType = body['contentType'];
    v.updated = now();
    return v;
  }

  versions(name: string): SecretView[] {
    return [...this.live(name).versions];
  }

  latestOfEach(): SecretView[] {
    return [...this.secrets.values()].filter((s) => !s.deleted).flatMap((s) => {
      const v = s.versions[s.versions.length - 1];
      return v ? [{ ...v, versionless: true }] : [];
    });
  }

  /** `DELETE /secrets/{name}`: soft delete (every version), recoverable for 90 days. */
  delete(name: string): SecretView {
    const s = this.live(name);
    const t = now();
    s.deleted = { deletedDate: t, scheduledPurgeDate: t + RECOVERABLE_DAYS * 86_400 };
    return this.deletedView(s);
  }

  private deletedSecret(name: string): Secret {
    checkName(name);
    const s = this.secrets.get(name.toLowerCase());
    if (!s?.deleted) throw new AzureApiError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
    return s;
  }

  private deletedView(s: Secret): SecretView {
    const latest = s.versions[s.versions.length - 1] as SecretView;
    return { ...latest, ...(s.deleted ? { deleted: s.deleted } : {}) };
  }

  getDeleted(name: string): SecretView {
    return this.deletedView(this.deletedSecret(name));
  }

  deleted(): SecretView[] {
    return [...this.secrets.values()].filter((s) => s.deleted).map((s) => ({ ...this.deletedView(s), versionless: true }));
  }

  /** `DELETE /deletedsecrets/{name}`: gone for good. */
  purge(name: string): void {
    const s = this.deletedSecret(name);
    this.secrets.delete(s.name.toLowerCase());
  }

  /** `POST /deletedsecrets/{name}/recover`: live again with every version. */
  recover(name: string): SecretView {
    const s = this.deletedSecret(name);
    delete s.deleted;
    return this.version(s, '');
  }
}

/** A SecretBundle (with `value`) or SecretItem / DeletedSecretBundle as Key Vault renders them. */
export function secretBundle(base: string, v: SecretView, withValue: boolean): Json {
  return {
    ...(withValue ? { value: v.value } : {}),
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    id: v.versionless ? `${base}/secrets/${v.name}` : `${base}/secrets/${v.name}/${v.version}`,
    attributes: {
      enabled: v.enabled,
      ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
      ...(v.exp !== undefined ? { exp: v.exp } : {}),
      created: v.created,
      updated: v.updated,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: RECOVERABLE_DAYS,
    },
    ...(Object.keys(v.tags).length > 0 ? { tags: v.tags } : {}),
    ...(v.deleted ? { recoveryId: `${base}/deletedsecrets/${v.name}`, deletedDate: v.deleted.deletedDate, scheduledPurgeDate: v.deleted.scheduledPurgeDate } : {}),
  };
}

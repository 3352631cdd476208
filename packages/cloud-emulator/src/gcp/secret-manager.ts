import { randomBytes } from 'node:crypto';
import { crc32c } from '@aws-crypto/crc32c';
import { projectNumber } from './shapes.js';
import { GoogleApiError } from './wire.js';

type Json = Record<string, unknown>;

interface VersionRecord {
  id: number;
  data: Buffer;
  crc: number;
  created: string;
  state: 'ENABLED' | 'DISABLED' | 'DESTROYED';
  destroyTime?: string;
  clientChecksum: boolean;
}

interface SecretRecord {
  project: string;
  id: string;
  created: string;
  replication: Json;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  etag: string;
  versions: VersionRecord[];
}

/** Secret ids Secret Manager accepts. */
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
/** Largest payload Secret Manager stores (64 KiB). */
const MAX_PAYLOAD = 65536;
const SECRET_NAME = /^projects\/([^/]+)\/secrets\/([^/]+)$/;
const VERSION_NAME = /^projects\/([^/]+)\/secrets\/([^/]+)\/versions\/([^/]+)$/;

/**
 * Secret Manager v1's state, transport-neutral: each method takes the request message as the API
 * defines it (`payload.data` as bytes, int64 as strings) and returns the response message, or
 * throws a {@link GoogleApiError} with a canonical status. The REST and gRPC adapters both call
 * {@link call}. Names in answers carry the project number, as Secret Manager's do; requests may
 * use the project id or number.
 */
export class SecretManagerService {
  private readonly secrets = new Map<string, SecretRecord>();

  /** Runs one RPC by its proto method name (`CreateSecret`, `AccessSecretVersion`, …). */
  call(method: string, request: Json): Json {
    switch (method) {
      case 'CreateSecret':
        return this.createSecret(request);
      case 'GetSecret':
        return secretJson(this.secret(String(request['name'] ?? '')));
      case 'ListSecrets':
        return this.listSecrets(request);
      case 'UpdateSecret':
        return this.updateSecret(request);
      case 'DeleteSecret': {
        const secret = this.secret(String(request['name'] ?? ''));
        if (typeof request['etag'] === 'string' && request['etag'] !== '' && request['etag'] !== secret.etag) throw new GoogleApiError('ABORTED', `The etag provided in the request does not match the current etag of the Secret [${nameOf(secret)}].`, 409);
        this.secrets.delete(keyOf(secret.project, secret.id));
        return {};
      }
      case 'AddSecretVersion':
        return this.addVersion(request);
      case 'GetSecretVersion':
        return this.versionJson(...this.version(String(request['name'] ?? '')));
      case 'ListSecretVersions': {
        const secret = this.secret(String(request['parent'] ?? ''));
        const versions = [...secret.versions].reverse().map((v) => this.versionJson(secret, v));
        return { versions, totalSize: versions.length };
      }
      case 'AccessSecretVersion': {
        const [secret, version] = this.version(String(request['name'] ?? ''));
        if (version.state !== 'ENABLED') throw new GoogleApiError('FAILED_PRECONDITION', `${versionName(secret, version)} is in ${version.state} state.`);
        return { name: versionName(secret, version), payload: { data: version.data, dataCrc32c: String(version.crc) } };
      }
      case 'DisableSecretVersion':
      case 'EnableSecretVersion':
      case 'DestroySecretVersion':
        return this.changeState(method, String(request['name'] ?? ''));
      default:
        throw new GoogleApiError('UNIMPLEMENTED', `Method ${method} is not served by the emulator.`, 501);
    }
  }

  /**
   * Test hook: replaces a version's stored bytes (`projects/P/secrets/S/versions/N|latest`) but keeps
   * the CRC32C recorded when it was added, so reads answer data that does not match `dataCrc32c`,
   * as corruption in storage or transit would look to a client that checks.
   */
  tamper(versionName: string, data: Uint8Array): void {
    const [, version] = this.version(versionName);
    version.data = Buffer.from(data);
  }

  /** Names (`projects/PROJECT_ID/secrets/ID`) of the secrets that exist. */
  names(): string[] {
    return [...this.secrets.values()].map((s) => `projects/${s.project}/secrets/${s.id}`);
  }

  private createSecret(request: Json): Json {
    const project = projectOf(String(request['parent'] ?? ''));
    const id = String(request['secretId'] ?? '');
    if (!SECRET_ID.test(id)) throw new GoogleApiError('INVALID_ARGUMENT', `Secret ID [${id}] is invalid: it must be 1 to 255 characters of letters, digits, underscores and hyphens.`);
    if (this.secrets.has(keyOf(project, id))) throw new GoogleApiError('ALREADY_EXISTS', `Secret [projects/${projectNumber(project)}/secrets/${id}] already exists.`);
    const spec = (request['secret'] ?? {}) as Json;
    const replication = (spec['replication'] ?? {}) as Json;
    const userManaged = replication['userManaged'] as { replicas?: { location?: string }[] } | undefined;
    if (!replication['automatic'] && !userManaged) throw new GoogleApiError('INVALID_ARGUMENT', 'Secret.replication must be specified: automatic or userManaged.');
    if (userManaged && (!Array.isArray(userManaged.replicas) || userManaged.replicas.length === 0 || userManaged.replicas.some((r) => !r.location))) {
      throw new GoogleApiError('INVALID_ARGUMENT', 'Secret.replication.userManaged.replicas must name at least one location.');
    }
    const secret: SecretRecord = {
      project,
      id,
      created: new Date().toISOString(),
      replication: userManaged ? { userManaged: { replicas: userManaged.replicas?.map((r) => ({ location: r.location })) } } : { automatic: {} },
      labels: checkLabels(spec['labels']),
      annotations: { ...((spec['annotations'] as Record<string, string> | undefined) ?? {}) },
      etag: newEtag(),
      versions: [],
    };
    this.secrets.set(keyOf(project, id), secret);
    return secretJson(secret);
  }

  private listSecrets(request: Json): Json {
    const project = projectOf(String(request['parent'] ?? ''));
    const filter = labelFilter(request['filter']);
    const secrets = [...this.secrets.values()].filter((s) => s.project === project && filter(s)).map(secretJson);
    return { secrets, totalSize: secrets.length };
  }

  /** Only `labels` and `annotations` can be changed here (what the provider patches); the mask says which. */
  private updateSecret(request: Json): Json {
    const spec = (request['secret'] ?? {}) as Json;
    const secret = this.secret(String(spec['name'] ?? ''));
    const mask = request['updateMask'] as { paths?: string[] } | string | undefined;
    const paths = typeof mask === 'string' ? mask.split(',') : (mask?.paths ?? []);
    if (paths.length === 0) throw new GoogleApiError('INVALID_ARGUMENT', 'update_mask must be specified.');
    for (const path of paths) {
      if (path === 'labels') secret.labels = checkLabels(spec['labels']);
      else if (path === 'annotations') secret.annotations = { ...((spec['annotations'] as Record<string, string> | undefined) ?? {}) };
      else throw new GoogleApiError('INVALID_ARGUMENT', `The update_mask path "${path}" cannot be updated by the emulator (labels, annotations).`);
    }
    secret.etag = newEtag();
    return secretJson(secret);
  }

  private addVersion(request: Json): Json {
    const secret = this.secret(String(request['parent'] ?? ''));
    const payload = (request['payload'] ?? {}) as { data?: Buffer; dataCrc32c?: string | number | null };
    const data = payload.data ?? Buffer.alloc(0);
    if (data.length > MAX_PAYLOAD) throw new GoogleApiError('INVALID_ARGUMENT', `Secret payload data length must be less than ${MAX_PAYLOAD} bytes.`);
    const crc = crc32c(data);
    const given = payload.dataCrc32c;
    const clientChecksum = given !== undefined && given !== null && given !== '';
    if (clientChecksum && String(given) !== String(crc)) throw new GoogleApiError('INVALID_ARGUMENT', 'Checksum mismatch: the dataCrc32c of the payload does not match the CRC32C of its data.');
    const version: VersionRecord = { id: (secret.versions.at(-1)?.id ?? 0) + 1, data: Buffer.from(data), crc, created: new Date().toISOString(), state: 'ENABLED', clientChecksum };
    secret.versions.push(version);
    return this.versionJson(secret, version);
  }

  private changeState(method: string, name: string): Json {
    const [secret, version] = this.version(name);
    if (version.state === 'DESTROYED') throw new GoogleApiError('FAILED_PRECONDITION', `${versionName(secret, version)} is in DESTROYED state.`);
    if (method === 'DestroySecretVersion') {
      version.state = 'DESTROYED';
      version.data = Buffer.alloc(0);
      version.destroyTime = new Date().toISOString();
    } else {
      version.state = method === 'EnableSecretVersion' ? 'ENABLED' : 'DISABLED';
    }
    return this.versionJson(secret, version);
  }

  private secret(name: string): SecretRecord {
    const m = SECRET_NAME.exec(name);
    if (!m) throw new GoogleApiError('INVALID_ARGUMENT', `Invalid resource field value in the request: "${name}" is not a secret name (projects/*/secrets/*).`);
    const secret = this.secrets.get(keyOf(this.projectId(m[1] ?? ''), m[2] ?? ''));
    if (!secret) throw new GoogleApiError('NOT_FOUND', `Secret [projects/${projectNumber(this.projectId(m[1] ?? ''))}/secrets/${m[2] ?? ''}] not found or has no versions.`);
    return secret;
  }

  private version(name: string): [SecretRecord, VersionRecord] {
    const m = VERSION_NAME.exec(name);
    if (!m) throw new GoogleApiError('INVALID_ARGUMENT', `Invalid resource field value in the request: "${name}" is not a secret version name (projects/*/secrets/*/versions/*).`);
    const secret = this.secret(`projects/${m[1] ?? ''}/secrets/${m[2] ?? ''}`);
    const ref = m[3] ?? '';
    // `latest` is the most recently created version, whatever its state (as Secret Manager documents).
    const version = ref === 'latest' ? secret.versions.at(-1) : secret.versions.find((v) => String(v.id) === ref);
    if (!version) throw new GoogleApiError('NOT_FOUND', `Secret Version [${nameOf(secret)}/versions/${ref}] not found.`);
    return [secret, version];
  }

  /** Requests may name the project by id or number; state is kept by id. */
  private projectId(ref: string): string {
    for (const s of this.secrets.values()) if (projectNumber(s.project) === ref) return s.project;
    return ref;
  }

  private versionJson(secret: SecretRecord, v: VersionRecord): Json {
    return {
      name: versionName(secret, v),
      createTime: v.created,
      state: v.state,
      ...(v.destroyTime ? { destroyTime: v.destroyTime } : {}),
      replicationStatus: secret.replication['automatic'] ? { automatic: {} } : { userManaged: { replicas: ((secret.replication['userManaged'] as { replicas: { location: string }[] }).replicas ?? []).map((r) => ({ location: r.location })) } },
      etag: `"${v.id}-${v.state}"`,
      clientSpecifiedPayloadChecksum: v.clientChecksum,
    };
  }
}

function keyOf(project: string, id: string): string {
  return `${project}/${id}`;
}

function nameOf(secret: SecretRecord): string {
  return `projects/${projectNumber(secret.project)}/secrets/${secret.id}`;
}

function versionName(secret: SecretRecord, v: VersionRecord): string {
  return `${nameOf(secret)}/versions/${v.id}`;
}

function secretJson(secret: SecretRecord): Json {
  return { name: nameOf(secret), replication: secret.replication, createTime: secret.created, labels: { ...secret.labels }, annotations: { ...secret.annotations }, etag: secret.etag };
}

function projectOf(parent: string): string {
  const m = /^projects\/([^/]+)$/.exec(parent);
  if (!m?.[1]) throw new GoogleApiError('INVALID_ARGUMENT', `Invalid resource field value in the request: "${parent}" is not a project (projects/*).`);
  return m[1];
}

/** Label keys and values as Google Cloud allows them (lowercase letters, digits, `_` and `-`; keys start with a letter). */
function checkLabels(value: unknown): Record<string, string> {
  const labels = { ...((value as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(labels)) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k) || !/^[a-z0-9_-]{0,63}$/.test(String(v))) throw new GoogleApiError('INVALID_ARGUMENT', `Invalid label ${k}=${String(v)}: keys and values hold lowercase letters, digits, '_' and '-' (keys start with a letter, up to 63 characters).`);
  }
  return labels;
}

/**
 * The part of Secret Manager's list filter the emulator understands: terms `labels.KEY=VALUE`,
 * `labels.KEY:VALUE` or `labels.KEY:*` joined by spaces or AND, and `name:TEXT`; anything else is refused.
 */
function labelFilter(value: unknown): (secret: SecretRecord) => boolean {
  if (typeof value !== 'string' || value.trim() === '') return () => true;
  const terms = value.split(/\s+(?:AND\s+)?/).filter((t) => t !== '' && t !== 'AND');
  const tests = terms.map((term) => {
    const label = /^labels\.([a-z][a-z0-9_-]*)[:=](.+)$/.exec(term);
    if (label) {
      const [, key = '', wanted = ''] = label;
      return (s: SecretRecord) => (wanted === '*' ? key in s.labels : s.labels[key] === wanted.replace(/^"|"$/g, ''));
    }
    const name = /^name:(.+)$/.exec(term);
    if (name) return (s: SecretRecord) => s.id.includes(name[1] ?? '');
    throw new GoogleApiError('INVALID_ARGUMENT', `The filter term "${term}" is not supported by the emulator (labels.KEY=VALUE, labels.KEY:*, name:TEXT).`);
  });
  return (secret) => tests.every((t) => t(secret));
}

function newEtag(): string {
  return `"${randomBytes(6).toString('hex')}"`;
}

/** An error the emulated Azure APIs answer with: ARM's `{ error: { code, message } }` (Key Vault uses the same shape). */
export class AzureApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `Retry-After` on 429 or `WWW-Authenticate` on 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AzureApiError';
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** What a route handler answers: a status, a JSON body (or none) and headers. */
export interface ArmReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON object body; 400 `InvalidRequestContent` otherwise (ARM's answer to malformed JSON). */
export function parseJsonObject(buffer: Buffer): Json {
  if (buffer.length === 0) return {};
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    if (isObject(value)) return value;
  } catch {
    // answered below
  }
  throw new AzureApiError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
}

/** Tags as ARM stores them: string values only, at most 50. */
export function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new AzureApiError(400, 'InvalidTagNameCharacters', 'The tags must be an object of string values.');
  const entries = Object.entries(value);
  if (entries.length > 50) throw new AzureApiError(400, 'InvalidTemplate', 'A resource can have at most 50 tags.');
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new AzureApiError(400, 'InvalidTagNameCharacters', `The value of tag '${k}' must be a string.`);
    if (k.length > 512 || v.length > 256) throw new AzureApiError(400, 'InvalidTagNameCharacters', `Tag '${k.slice(0, 40)}' is too long: names up to 512 and values up to 256 characters.`);
  }
  return { ...(value as Record<string, string>) };
}

/** 404 as ARM answers for a missing resource. */
export function resourceNotFound(type: string, name: string, resourceGroup: string): AzureApiError {
  return new AzureApiError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}

export function resourceGroupNotFound(name: string): AzureApiError {
  return new AzureApiError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

/** The decoded segments of a path; 400 `InvalidRequestUri` for malformed percent-encoding. */
export function pathSegments(path: string): string[] {
  try {
    return path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    throw new AzureApiError(400, 'InvalidRequestUri', `The request URI '${path.slice(0, 200)}' is not valid: malformed percent-encoding.`);
  }
}

/** An error the emulated API server answers with a `Status` object, as kube-apiserver does. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, ...(this.details ? { details: this.details } : {}), code: this.status };
  }
}

export const notFound = (resource: string, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource.split('.')[0] });
export const alreadyExists = (resource: string, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource.split('.')[0] });
export const conflict = (resource: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource.split('.')[0] });
export const invalid = (kind: string, name: string, causes: string[]): ApiError =>
  new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.join(', ')}`, { name, kind, causes: causes.map((message) => ({ message })) });
export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);
export const gone = (message: string): ApiError => new ApiError(410, 'Expired', message);

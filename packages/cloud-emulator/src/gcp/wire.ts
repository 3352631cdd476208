/** Google's canonical error codes (google.rpc.Code) the emulator answers with, and their HTTP statuses. */
export const GOOGLE_STATUS = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const;

export type GoogleStatus = keyof typeof GOOGLE_STATUS;

/** An error the emulated Google API answers with: `{ error: { code, message, status } }`. */
export class GoogleApiError extends Error {
  readonly httpStatus: number;

  /** Compute Engine's `errors[].reason` (`alreadyExists`, `notFound`, `resourceInUseByAnotherResource`, …); compute errors carry it. */
  reason: string | undefined;

  constructor(
    readonly status: GoogleStatus | (string & {}),
    message: string,
    httpStatus?: number,
  ) {
    super(message);
    this.name = 'GoogleApiError';
    this.httpStatus = httpStatus ?? GOOGLE_STATUS[status as GoogleStatus] ?? 400;
  }

  /** The JSON body Google's REST APIs send (the same shape gcloud and the client libraries parse). */
  body(): { error: { code: number; message: string; status: string; errors?: { message: string; domain: string; reason: string }[] } } {
    const errors = this.reason ? { errors: [{ message: this.message, domain: 'global', reason: this.reason }] } : {};
    return { error: { code: this.httpStatus, message: this.message, status: this.status, ...errors } };
  }
}

/** A Compute Engine style error: a canonical status plus the `errors[].reason` compute clients branch on. */
export function computeError(status: GoogleStatus, reason: string, message: string): GoogleApiError {
  const error = new GoogleApiError(status, message);
  error.reason = reason;
  return error;
}

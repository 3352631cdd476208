/** Structured log fields; values must already be free of secrets. */
export type LogFields = Record<string, unknown>;

/** The logger every package accepts. Logging is off unless one is passed. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

const noop = (): void => {};

/** A logger that discards everything (the default). */
export const noopLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => noopLogger,
};

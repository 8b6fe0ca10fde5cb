/**
 * The logger workflows use: the shape of Probot's pino logger (`context.log`), so handlers pass
 * theirs through. Static message plus structured metadata (STYLE.md §8).
 */
export interface Log {
  debug(meta: object, message: string): void;
  info(meta: object, message: string): void;
  warn(meta: object, message: string): void;
  error(meta: object, message: string): void;
}

/** A logger that drops everything. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

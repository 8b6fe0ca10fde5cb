/**
 * The project's error types. Adapters convert vendor errors into these so that an Octokit
 * `RequestError` or an Anthropic `APIError` never leaves adapters/ (shared/STYLE.md §8).
 * Every error keeps its `cause`.
 */

/** A manifest could not be read or is invalid; `messages` are the located problems. */
export class ManifestError extends Error {
  override name = 'ManifestError';
  readonly source: string;
  constructor(message: string, source: string, options?: { cause?: unknown }) {
    super(message, options);
    this.source = source;
  }
}

/** A GitHub request failed; `status` is the HTTP status when there was a response. */
export class GitHostError extends Error {
  override name = 'GitHostError';
  readonly status: number | undefined;
  /** Seconds GitHub asked us to wait (secondary rate limits), when it said. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The coder could not run (bad credentials, endpoint down after retries, invalid configuration). */
export class CoderError extends Error {
  override name = 'CoderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Data crossing a contract boundary (FailureReport, state marker) did not parse. */
export class ContractError extends Error {
  override name = 'ContractError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A unified diff could not be parsed; `line` is the 1-based line of the diff where parsing failed. */
export class DiffParseError extends Error {
  override name = 'DiffParseError';
  readonly line: number;
  constructor(message: string, line: number, options?: { cause?: unknown }) {
    super(`${message} (diff line ${line})`, options);
    this.line = line;
  }
}

/** The judge could not run at all (bad credentials, endpoint down after retries, unknown model price). */
export class JudgeError extends Error {
  override name = 'JudgeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

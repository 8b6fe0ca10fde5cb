import { z } from 'zod';
import { ContractError } from '../shared/errors.ts';
import { FailureReport } from './failure-report.ts';

/**
 * Parses a FailureReport from JSON text (a check run's `output.text`) or an already-decoded
 * value. Returns the report with defaults filled in (`dropped`, `truncated`, `severity`,
 * `occurrences`). Throws ContractError naming what was wrong: invalid JSON (with the parser's
 * position), an unknown `schemaVersion`, or the prettified zod issues (the raw ZodError is the
 * `cause`). Never returns a partial report.
 */
export function parseFailureReport(json: string | unknown): FailureReport {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ContractError(`FailureReport is not valid JSON: ${reason}`, { cause: error });
    }
  }
  if (typeof value === 'object' && value !== null && 'schemaVersion' in value) {
    const version = (value as { schemaVersion: unknown }).schemaVersion;
    if (version !== 1) {
      throw new ContractError(
        `Unsupported FailureReport schemaVersion ${JSON.stringify(version)}; this reader understands version 1`,
      );
    }
  }
  const parsed = FailureReport.safeParse(value);
  if (!parsed.success) {
    throw new ContractError(`Invalid FailureReport:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

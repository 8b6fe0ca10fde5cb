/**
 * The Action's inputs: read every input declared in action.yml (a forgotten one fails
 * compilation through `Record<keyof Inputs, …>`), then parse them with zod so that bad values
 * produce one located message instead of odd behaviour later (shared/STYLE.md §11).
 */
import * as core from '@actions/core';
import { z } from 'zod';

/** Accepted spellings of YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them. */
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

const BooleanInput = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return fallback;
      if (TRUE_VALUES.includes(value)) return true;
      if (FALSE_VALUES.includes(value)) return false;
      context.addIssue({
        code: 'custom',
        message: `Input '${name}' must be true or false, got '${value}'`,
      });
      return z.NEVER;
    });

/** Condenser ids are kebab-case words such as `tsc`, `node-test`, `cargo`. */
const ToolId = /^[a-z0-9][a-z0-9._-]*$/;

const ToolsInput = z
  .string()
  .optional()
  .transform((value, context): 'auto' | string[] => {
    if (value === undefined || value.trim() === 'auto') return 'auto';
    const ids = value
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter((id) => id !== '');
    if (ids.length === 0) return 'auto';
    const invalid = ids.filter((id) => !ToolId.test(id));
    if (invalid.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `Input 'tools' must be 'auto' or a list of condenser ids; invalid: ${invalid.join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(ids)];
  });

export const Inputs = z
  .object({
    run: z.string().optional(),
    detect: BooleanInput('detect', false),
    workingDirectory: z.string().default('.'),
    token: z.string().optional(),
    reportName: z
      .string()
      .default('fleetwright/report')
      .refine((name) => name.length <= 100 && !/[\r\n]/.test(name), {
        message: "Input 'report-name' must be one line of at most 100 characters",
      }),
    tools: ToolsInput,
    maxFindings: z
      .string()
      .default('30')
      .transform((value, context) => {
        const parsed = Number(value);
        if (!/^\d+$/.test(value.trim()) || parsed < 1 || parsed > 500) {
          context.addIssue({
            code: 'custom',
            message: `Input 'max-findings' must be a whole number from 1 to 500, got '${value}'`,
          });
          return z.NEVER;
        }
        return parsed;
      }),
    failOnError: BooleanInput('fail-on-error', true),
  })
  .transform((inputs, context) => {
    const command = inputs.run?.trim() === '' ? undefined : inputs.run;
    if (command !== undefined && inputs.detect) {
      context.addIssue({
        code: 'custom',
        message: "Inputs 'run' and 'detect' are mutually exclusive: set one of them",
      });
      return z.NEVER;
    }
    if (command === undefined && !inputs.detect) {
      context.addIssue({
        code: 'custom',
        message: "Set input 'run' to a shell command, or 'detect: true' to detect the build system",
      });
      return z.NEVER;
    }
    const mode: Mode = command === undefined ? { type: 'detect' } : { type: 'wrap', command };
    return {
      mode,
      workingDirectory: inputs.workingDirectory,
      token: inputs.token,
      reportName: inputs.reportName,
      tools: inputs.tools,
      maxFindings: inputs.maxFindings,
      failOnError: inputs.failOnError,
    };
  });

/** What the Action was asked to do: run one command, or detect the steps to run. */
export type Mode = { type: 'wrap'; command: string } | { type: 'detect' };

export type Inputs = z.output<typeof Inputs>;

/** The raw input strings, keyed like the zod object so a missing input fails `tsc`. */
export type RawInputs = Record<keyof z.input<typeof Inputs>, string | undefined>;

/** Thrown when the workflow gave the Action unusable inputs; the message lists every problem. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Reads the inputs declared in action.yml. Empty strings mean "not set", as on the runner. */
export function readRawInputs(): RawInputs {
  const get = (name: string): string | undefined => {
    const value = core.getInput(name);
    return value === '' ? undefined : value;
  };
  return {
    run: get('run'),
    detect: get('detect'),
    workingDirectory: get('working-directory'),
    token: get('token'),
    reportName: get('report-name'),
    tools: get('tools'),
    maxFindings: get('max-findings'),
    failOnError: get('fail-on-error'),
  };
}

/**
 * Parses raw inputs; `knownTools` are the condenser ids of the registry. Throws `InputError`
 * naming every bad input.
 */
export function parseInputs(raw: RawInputs, knownTools: readonly string[]): Inputs {
  const result = Inputs.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      `Invalid inputs:\n${result.error.issues.map((issue) => `- ${issue.message}`).join('\n')}`,
      { cause: result.error },
    );
  }
  const { tools } = result.data;
  if (tools !== 'auto' && knownTools.length > 0) {
    const unknown = tools.filter((id) => !knownTools.includes(id));
    if (unknown.length > 0) {
      throw new InputError(
        `Invalid inputs:\n- Unknown condenser id(s) in 'tools': ${unknown.join(', ')}. Known: ${[...knownTools].sort().join(', ')}`,
      );
    }
  }
  return result.data;
}

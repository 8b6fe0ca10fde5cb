/**
 * The tool definitions the coder sends with every request. They are part of the cached prompt
 * prefix (tools come before the system prompt in the cache order), so they must be a pure
 * function of the limits: same limits, byte-identical JSON, for every repository.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { CODER_TOOL_NAMES } from '../../core/prompts/coder-system-prompt.ts';
import type { ToolLimits } from '../local/coder-tools.ts';

/** Builds the tool list: the Anthropic text editor tool plus fleetwright's own four tools. */
export function buildCoderToolDefinitions(limits: Pick<ToolLimits, 'maxViewChars'>): Anthropic.ToolUnion[] {
  return [
    { type: 'text_editor_20250728', name: CODER_TOOL_NAMES.editor, max_characters: limits.maxViewChars },
    {
      name: CODER_TOOL_NAMES.findFiles,
      description:
        'Find files by glob pattern, e.g. "**/*.ts", "package.json" (a pattern without "/" matches file names at any depth). Paths are relative to the repository root; .git and node_modules are not searched. Returns matching paths, sorted.',
      input_schema: {
        type: 'object',
        properties: {
          pattern: { type: 'string', description: 'Glob pattern (picomatch syntax).' },
          path: {
            type: 'string',
            description: 'Directory to search in, relative to the repository root. Default: the root.',
          },
          max_results: { type: 'integer', minimum: 1, maximum: 1000, description: 'Default 200.' },
        },
        required: ['pattern'],
        additionalProperties: false,
      },
    },
    {
      name: CODER_TOOL_NAMES.search,
      description:
        'Search file contents with a JavaScript regular expression, line by line. Returns matching lines with line numbers and surrounding context. Results are capped; narrow with path or glob. Slow patterns are stopped after a few seconds.',
      input_schema: {
        type: 'object',
        properties: {
          pattern: {
            type: 'string',
            description: 'JavaScript regular expression (no delimiters), matched against each line.',
          },
          path: {
            type: 'string',
            description: 'File or directory to search, relative to the repository root. Default: the root.',
          },
          glob: {
            type: 'string',
            description: 'Only search files matching this glob, e.g. "*.py" or "src/**/*.ts".',
          },
          case_insensitive: { type: 'boolean', description: 'Default false.' },
          context_lines: {
            type: 'integer',
            minimum: 0,
            maximum: 10,
            description: 'Lines of context before and after each match. Default 2.',
          },
          max_results: {
            type: 'integer',
            minimum: 1,
            maximum: 200,
            description: 'Maximum matches to return. Default 50.',
          },
        },
        required: ['pattern'],
        additionalProperties: false,
      },
    },
    {
      name: CODER_TOOL_NAMES.deleteFile,
      description:
        'Delete a file (not a directory), relative to the repository root. Use only when the migration requires removing the file.',
      input_schema: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'File to delete, relative to the repository root.' },
        },
        required: ['path'],
        additionalProperties: false,
      },
    },
    {
      name: CODER_TOOL_NAMES.finish,
      description:
        'End the run. Call it exactly once, when you are done. outcome "changed": the migration is applied (summary: what changed and why). "not-applicable": the migration does not apply to this repository and nothing was changed (reason required). "gave-up": you could not complete it (reason required).',
      input_schema: {
        type: 'object',
        properties: {
          outcome: { type: 'string', enum: ['changed', 'not-applicable', 'gave-up'] },
          summary: {
            type: 'string',
            description: 'What you did, for the pull request description; a few sentences.',
          },
          reason: {
            type: 'string',
            description:
              'Why the migration does not apply, or why you stopped. Required unless outcome is "changed".',
          },
        },
        required: ['outcome', 'summary'],
        additionalProperties: false,
      },
    },
  ];
}

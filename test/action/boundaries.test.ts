import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The dependency rule for the Action (shared/STYLE.md §2), checked through the real lint config. */
describe('action/src import boundaries', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const restricted = async (specifier: string) => {
    const [result] = await eslint.lintText(`import type { X } from '${specifier}';\nexport type Y = X;\n`, {
      filePath: 'action/src/probe.ts',
    });
    return (
      (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').length > 0
    );
  };

  it.each([
    '#src/core/target/step.ts',
    '#src/ports/git-host.ts',
    '#src/adapters/github/octokit-git-host.ts',
    '#src/workflows/advance-target.ts',
    '#src/handlers/check-suite-completed.ts',
    '#src/index.ts',
    '#src/cli.ts',
    '../../src/shared/errors.ts',
    '../../src/core/x.ts',
    '../../test/helpers/probot.ts',
    'probot',
    '@octokit/rest',
    '@anthropic-ai/sdk',
  ])('rejects %s', async (specifier) => {
    expect(await restricted(specifier)).toBe(true);
  });

  it.each([
    '#src/contracts/failure-report.ts',
    '#src/condense/condense.ts',
    '#src/shared/errors.ts',
    './report.ts',
    '@actions/core',
    'zod',
  ])('allows %s', async (specifier) => {
    expect(await restricted(specifier)).toBe(false);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError, parseInputs, readRawInputs, type RawInputs } from '../../action/src/inputs.ts';

const none: RawInputs = {
  run: undefined,
  detect: undefined,
  workingDirectory: undefined,
  token: undefined,
  reportName: undefined,
  tools: undefined,
  maxFindings: undefined,
  failOnError: undefined,
};
const known = ['tsc', 'eslint', 'vitest'];

describe('action/inputs', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('applies the defaults of action.yml in wrapper mode', () => {
    expect(parseInputs({ ...none, run: 'npm test' }, known)).toEqual({
      mode: { type: 'wrap', command: 'npm test' },
      workingDirectory: '.',
      token: undefined,
      reportName: 'fleetwright/report',
      tools: 'auto',
      maxFindings: 30,
      failOnError: true,
    });
  });

  it('parses detect mode and every option', () => {
    const inputs = parseInputs(
      {
        ...none,
        detect: 'True',
        workingDirectory: 'packages/app',
        token: 'ghs_x',
        reportName: 'fleetwright/report-linux',
        tools: 'tsc, eslint vitest,tsc',
        maxFindings: '80',
        failOnError: 'false',
      },
      known,
    );

    expect(inputs).toMatchObject({
      mode: { type: 'detect' },
      workingDirectory: 'packages/app',
      tools: ['tsc', 'eslint', 'vitest'],
      maxFindings: 80,
      failOnError: false,
    });
  });

  it.each<[string, Partial<RawInputs>, RegExp]>([
    ['neither run nor detect', {}, /Set input 'run'/],
    ['a blank run', { run: '   ' }, /Set input 'run'/],
    ['both run and detect', { run: 'make', detect: 'true' }, /mutually exclusive/],
    ['a non-boolean detect', { detect: 'yes' }, /'detect' must be true or false, got 'yes'/],
    ['a non-boolean fail-on-error', { run: 'x', failOnError: '1' }, /'fail-on-error' must be true or false/],
    [
      'a bad max-findings',
      { run: 'x', maxFindings: '0' },
      /'max-findings' must be a whole number from 1 to 500, got '0'/,
    ],
    ['a huge max-findings', { run: 'x', maxFindings: '10000' }, /'max-findings'/],
    ['a fractional max-findings', { run: 'x', maxFindings: '2.5' }, /'max-findings'/],
    ['a multi-line report name', { run: 'x', reportName: 'a\nb' }, /'report-name' must be one line/],
    ['a malformed tool id', { run: 'x', tools: 'tsc, Bad Tool!' }, /invalid: Bad, Tool!/],
    [
      'an unknown tool id',
      { run: 'x', tools: 'tsc, cobol' },
      /Unknown condenser id\(s\) in 'tools': cobol\. Known: eslint, tsc, vitest/,
    ],
  ])('rejects %s with a clear message', (_name, raw, message) => {
    const act = () => parseInputs({ ...none, ...raw }, known);

    expect(act).toThrow(InputError);
    expect(act).toThrow(message);
  });

  it('lists every problem at once', () => {
    const act = () => parseInputs({ ...none, run: 'x', maxFindings: 'many', failOnError: 'maybe' }, known);

    expect(act).toThrow(/max-findings[\s\S]*fail-on-error|fail-on-error[\s\S]*max-findings/);
  });

  it('reads INPUT_* variables as the runner sets them, empty meaning unset', () => {
    vi.stubEnv('INPUT_RUN', 'npm test');
    vi.stubEnv('INPUT_WORKING-DIRECTORY', 'app');
    vi.stubEnv('INPUT_REPORT-NAME', '');
    vi.stubEnv('INPUT_FAIL-ON-ERROR', 'false');
    vi.stubEnv('INPUT_TOKEN', 'ghs_secret');

    const raw = readRawInputs();

    expect(raw).toMatchObject({
      run: 'npm test',
      workingDirectory: 'app',
      reportName: undefined,
      failOnError: 'false',
      token: 'ghs_secret',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createGenericCondenser, genericCondenserFactory } from '../../src/condense/generic.ts';
import { brief, condenseLines, condenseLog, readLog } from '../helpers/condense-lines.ts';

const generic = genericCondenserFactory;

describe('condense/generic', () => {
  it.each([
    [
      'a path:line:col shape from an unknown linter',
      'infra/main.tf:12:3: Missing required argument "region"',
      {
        kind: 'generic',
        tool: 'generic',
        file: 'infra/main.tf',
        line: 12,
        column: 3,
        message: 'Missing required argument "region"',
      },
    ],
    [
      'a path(line,col) shape',
      'src/Widget.vue(40,7): Property "title" does not exist',
      {
        kind: 'generic',
        tool: 'generic',
        file: 'src/Widget.vue',
        line: 40,
        column: 7,
        message: 'Property "title" does not exist',
      },
    ],
    [
      'an exception line',
      'java.lang.IllegalStateException: pool exhausted',
      { kind: 'runtime-error', tool: 'generic', message: 'java.lang.IllegalStateException: pool exhausted' },
    ],
    [
      'a fatal line',
      'fatal: not a git repository (or any of the parent directories): .git',
      {
        kind: 'generic',
        tool: 'generic',
        message: 'fatal: not a git repository (or any of the parent directories): .git',
      },
    ],
    [
      'a timeout',
      'ERROR: job timed out after 30 minutes',
      { kind: 'timeout', tool: 'generic', message: 'ERROR: job timed out after 30 minutes' },
    ],
  ])('finds %s', (_name, line, expected) => {
    expect(condenseLines(generic, `${line}\n`).findings.map(brief)).toEqual([expected]);
  });

  it('reads a block with indented continuation and takes the location from it (terraform)', () => {
    const output = condenseLines(
      generic,
      [
        'Error: Reference to undeclared resource',
        '',
        '  on main.tf line 14, in resource "aws_instance" "web":',
        '  14:   subnet_id = aws_subnet.mian.id',
        '',
        'A managed resource "aws_subnet" "mian" has not been declared in the root module.',
      ].join('\n'),
    );

    expect(output.findings.map(brief)[0]).toEqual({
      kind: 'generic',
      tool: 'generic',
      file: 'main.tf',
      line: 14,
      message: 'Error: Reference to undeclared resource',
    });
  });

  it('takes the location from indented frames of an exception', () => {
    const output = condenseLines(
      generic,
      [
        'Exception in thread "main" java.lang.NullPointerException: name is null',
        '\tat com.example.Main.greet(Main.java:14)',
        '\tat com.example.Main.main(Main.java:5)',
        'done',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'generic',
        file: 'Main.java',
        line: 14,
        message: 'Exception in thread "main" java.lang.NullPointerException: name is null',
      },
    ]);
    expect(output.findings[0]?.excerpt).toBe(
      'at com.example.Main.greet(Main.java:14)\nat com.example.Main.main(Main.java:5)',
    );
  });

  it('reports a Python traceback by its exception at the innermost repo frame', () => {
    const output = condenseLog(generic, 'python/traceback.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'generic',
        file: '/home/runner/work/demo/demo/app/config.py',
        line: 5,
        message: "json.decoder.JSONDecodeError: Expecting ',' delimiter: line 1 column 13 (char 12)",
      },
    ]);
  });

  it('reports the last lines before a non-zero exit when fed every line (outside the dispatcher)', () => {
    const output = condenseLines(
      generic,
      [
        'Run ./deploy.sh',
        'uploading bundle',
        'remote rejected the bundle: quota reached',
        '##[error]Process completed with exit code 3.',
      ].join('\n'),
      { gating: false },
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'generic',
        tool: 'generic',
        message: 'remote rejected the bundle: quota reached (Process completed with exit code 3.)',
      },
    ]);
    expect(output.findings[0]?.excerpt).toBe('uploading bundle\nremote rejected the bundle: quota reached');
  });

  it('reports the tail when the dispatcher knows the exit code and the log has no marker', () => {
    const condenser = createGenericCondenser({ exitCode: 1 });
    ['building', 'step 2 of 3', 'giving up'].forEach((text, index) =>
      condenser.push({ text, number: index + 1 }),
    );

    expect(condenser.finish().findings.map(brief)).toEqual([
      { kind: 'generic', tool: 'generic', message: 'giving up' },
    ]);
  });

  it.each([
    ['a zero exit marker', 'all good\nProcess completed with exit code 0.\n'],
    ['counts of zero errors', 'Error: 0\nERROR: 0 errors, 0 warnings\nFAILED: 0\n'],
    ['warnings in path shape', 'src/a.ts:3:1: warning: unused\nsrc/b.py:4: note: see here\n'],
    ['URLs and times', 'Downloading https://example.com:443/a.tgz: 100%\n12:30:01: started\n'],
    ['words in prose', 'The error handler is registered\nNo failures so far\n'],
  ])('reports nothing for %s', (_name, text) => {
    expect(condenseLines(generic, text)).toEqual({ detected: false, findings: [] });
  });

  it('reports nothing for the passing logs of real tools', () => {
    for (const log of [
      'go/passing.log',
      'cargo/passing.log',
      'python/pytest-passing.log',
      'c/passing.log',
      'gradle/passing.log',
    ]) {
      expect(condenseLog(generic, log).findings, log).toEqual([]);
    }
  });

  it('caps its findings at 50', () => {
    const text = Array.from({ length: 500 }, (_, index) => `ERROR: failure number ${index}`).join('\n');

    expect(condenseLines(generic, text).findings).toHaveLength(50);
  });
});

describe('condense/generic exit markers', () => {
  it.each([
    'Error: Command failed with exit code 2.',
    'make exited with code 2',
    'exit status 1',
    "subprocess.CalledProcessError: Command '['x']' returned non-zero exit status 4.",
  ])('takes the tail before %s', (marker) => {
    const output = condenseLines(
      genericCondenserFactory,
      `starting\nconnection refused by db:5432\n${marker}\n`,
      { gating: false },
    );

    expect(output.findings).toHaveLength(1);
  });
});

describe('condense/generic behind its trigger', () => {
  it('keeps only error-shaped lines for the exit tail, and reports nothing for an unstructured failure', () => {
    const unstructured = condenseLines(
      generic,
      'uploading\nremote rejected the bundle\nProcess completed with exit code 3.\n',
    );
    const shaped = condenseLines(generic, 'uploading\nFAILED 0 of 3\nProcess completed with exit code 3.\n');

    expect(unstructured.findings).toEqual([]);
    expect(shaped.findings.map(brief)).toEqual([
      { kind: 'generic', tool: 'generic', message: 'FAILED 0 of 3 (Process completed with exit code 3.)' },
    ]);
  });

  it('loses no finding to its trigger on committed logs', () => {
    for (const log of [
      'python/traceback.log',
      'maven/test-failure.log',
      'c/compile-error.log',
      'go/panic.log',
      'swift/xctest-linux.log',
    ]) {
      expect(condenseLog(generic, log), log).toEqual(condenseLines(generic, readLog(log), { gating: false }));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { runVerifyCommand } from '../../../src/adapters/local/run-verify-command.ts';

const node = `"${process.execPath}"`;

describe('adapters/local/run-verify-command', () => {
  it('captures stdout and stderr and the exit code', async () => {
    const result = await runVerifyCommand(
      `${node} -e "console.log('out'); console.error('err'); process.exit(3)"`,
      { cwd: process.cwd() },
    );

    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('out');
    expect(result.output).toContain('err');
    expect(result.timedOut).toBe(false);
  });

  it('runs with CI=true in the given directory', async () => {
    const result = await runVerifyCommand(`${node} -e "console.log(process.env.CI, process.cwd())"`, {
      cwd: '/tmp',
    });

    expect(result.output.trim()).toBe('true /tmp');
  });

  it('keeps the head and tail of long output and marks the cut', async () => {
    const result = await runVerifyCommand(
      `${node} -e "console.log('FIRST'); for (let i = 0; i < 5000; i++) console.log('x'.repeat(50)); console.log('LAST')"`,
      { cwd: process.cwd(), maxOutputBytes: 10_000 },
    );

    expect(result.output.startsWith('FIRST\n')).toBe(true);
    expect(result.output.trimEnd().endsWith('LAST')).toBe(true);
    expect(result.truncatedBytes).toBeGreaterThan(200_000);
    expect(result.output).toMatch(/\[… \d+ bytes of output omitted …\]/);
    expect(result.output.length).toBeLessThan(10_200);
  });

  it('kills the whole process tree on timeout', async () => {
    const started = Date.now();
    const result = await runVerifyCommand(
      `${node} -e "setTimeout(() => {}, 60000)" & ${node} -e "setTimeout(() => {}, 60000)"; wait`,
      {
        cwd: process.cwd(),
        timeoutMs: 300,
      },
    );

    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('[verify command killed after 300 ms]');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

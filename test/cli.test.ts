import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { captureIo } from './helpers/cli-io.ts';

describe('cli', () => {
  it('prints help and exits 0 with --help', async () => {
    const io = captureIo();

    const code = await main(['--help'], io);

    expect(code).toBe(0);
    expect(io.out()).toContain('Usage: fleetwright <command>');
  });

  it('rejects an unknown command with exit code 2', async () => {
    const io = captureIo();

    const code = await main(['frobnicate'], io);

    expect(code).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });

  it('runs as a real executable through bin/fleetwright.js', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/fleetwright.js', '--help']);

    expect(stdout).toContain('Commands:');
  });
});

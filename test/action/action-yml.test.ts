import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { parseInputs, readRawInputs } from '../../action/src/inputs.ts';

interface ActionYml {
  name: string;
  description: string;
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  branding: { icon: string; color: string };
}

const actionYml = parse(await readFile('action/action.yml', 'utf8')) as ActionYml;
const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

describe('action/action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(actionYml.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });

  it('declares exactly the inputs the Action reads', () => {
    expect(Object.keys(actionYml.inputs).map(camel).sort()).toEqual(Object.keys(readRawInputs()).sort());
    for (const input of Object.values(actionYml.inputs)) expect(input.description.length).toBeGreaterThan(10);
  });

  it('declares defaults the parser agrees with', () => {
    for (const [name, input] of Object.entries(actionYml.inputs)) {
      if (input.default === undefined || name === 'token') continue;
      vi.stubEnv(`INPUT_${name.toUpperCase()}`, input.default);
    }
    vi.stubEnv('INPUT_RUN', 'true');

    const inputs = parseInputs(readRawInputs(), []);

    expect(inputs).toMatchObject({
      mode: { type: 'wrap', command: 'true' },
      workingDirectory: '.',
      reportName: 'fleetwright/report',
      tools: 'auto',
      maxFindings: 30,
      failOnError: true,
    });
    vi.unstubAllEnvs();
  });

  it('declares every output run() sets', async () => {
    const source = await readFile('action/src/run.ts', 'utf8');
    const set = [...source.matchAll(/core\.setOutput\('([a-z-]+)'/g)].map((match) => match[1]).sort();

    expect(Object.keys(actionYml.outputs).sort()).toEqual(set);
  });
});

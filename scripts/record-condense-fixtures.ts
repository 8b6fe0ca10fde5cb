/**
 * Records real output of the JavaScript tools that are not devDependencies (Jest, Mocha,
 * webpack, Playwright, npm/pnpm/yarn install errors) and of Vite/esbuild builds, for the
 * condenser tests in test/condense/recorded-logs.test.ts. tsc, ESLint, Vitest and node:test
 * run live in the test suite instead.
 *
 * Usage: node scripts/record-condense-fixtures.ts [case-name …]
 * Needs the npm registry. Installs the tools into a temp dir (nothing is added to this repo's
 * package.json), copies each fixture project from test/fixtures/projects/record/<fixture>/
 * next to them, runs the tool, and writes test/fixtures/logs/<tool>/<case>.log (stdout and
 * stderr interleaved, exactly as printed) plus <case>.json (command, exit code, the checkout
 * root to strip, tool versions).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

interface RecordCase {
  /** Output path under test/fixtures/logs/, without extension: '<tool>/<case>'. */
  name: string;
  /** Directory under test/fixtures/projects/record/. */
  fixture: string;
  /** Shell command, run in the copied fixture with the tools' .bin on PATH. */
  command: string;
  env?: Record<string, string>;
}

const repo = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tools = [
  'jest@30',
  'mocha@11',
  'webpack@5',
  'webpack-cli@6',
  '@playwright/test@1',
  'vite@7',
  'esbuild@0.25',
  'next@15',
  'react@19',
  'react-dom@19',
  'typescript@5',
  '@types/react@19',
  '@types/node@22',
];

const cases: RecordCase[] = [
  { name: 'jest/failures', fixture: 'jest-failures', command: 'jest --ci' },
  { name: 'mocha/failures', fixture: 'mocha-failures', command: 'mocha' },
  { name: 'webpack/errors', fixture: 'webpack-errors', command: 'webpack' },
  { name: 'vite/unresolved-import', fixture: 'vite-errors', command: 'vite build' },
  {
    name: 'esbuild/syntax-error',
    fixture: 'esbuild-errors',
    command: 'esbuild src/app.ts --bundle --outfile=out.js',
  },
  { name: 'playwright/failures', fixture: 'playwright-failures', command: 'playwright test' },
  {
    name: 'next/type-error',
    fixture: 'next-type-error',
    command: 'next build',
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  },
  {
    name: 'next/module-not-found',
    fixture: 'next-module-not-found',
    command: 'next build',
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  },
  { name: 'npm/eresolve', fixture: 'npm-eresolve', command: 'npm install --no-audit --no-fund' },
  { name: 'npm/etarget', fixture: 'npm-etarget', command: 'npm install --no-audit --no-fund' },
  { name: 'npm/e404', fixture: 'npm-e404', command: 'npm install --no-audit --no-fund' },
  { name: 'npm/ci-out-of-sync', fixture: 'npm-ci-out-of-sync', command: 'npm ci --no-audit --no-fund' },
  {
    name: 'pnpm/frozen-lockfile',
    fixture: 'pnpm-frozen-lockfile',
    command: 'npx --yes pnpm@9 install --frozen-lockfile',
  },
  { name: 'pnpm/no-matching-version', fixture: 'npm-etarget', command: 'npx --yes pnpm@9 install' },
  {
    name: 'yarn/frozen-lockfile',
    fixture: 'yarn-frozen-lockfile',
    command: 'npx --yes yarn@1.22.22 install --frozen-lockfile --non-interactive',
  },
  {
    name: 'yarn/no-matching-version',
    fixture: 'npm-etarget',
    command: 'npx --yes yarn@1.22.22 install --non-interactive',
  },
];

function run(command: string, cwd: string, env: Record<string, string | undefined>) {
  const result = spawnSync('sh', ['-c', `${command} 2>&1`], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { output: result.stdout ?? '', exitCode: result.status ?? 1 };
}

function main(): number {
  const wanted = process.argv.slice(2);
  const selected = wanted.length > 0 ? cases.filter((c) => wanted.includes(c.name)) : cases;
  if (selected.length === 0) {
    console.error(`No such case; known: ${cases.map((c) => c.name).join(', ')}`);
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'fw-record-'));
  try {
    writeFileSync(join(work, 'package.json'), '{ "name": "fw-record-tools", "private": true }\n');
    const env = { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
    console.log(`installing ${tools.join(' ')} into ${work}`);
    const install = run(`npm install --no-audit --no-fund --no-save ${tools.join(' ')}`, work, env);
    if (install.exitCode !== 0) {
      console.error(install.output);
      return 1;
    }
    const versions: Record<string, string> = {};
    for (const tool of tools) {
      const name = tool.slice(0, tool.lastIndexOf('@'));
      const pkg = JSON.parse(readFileSync(join(work, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      versions[name] = pkg.version;
    }
    versions.node = process.versions.node;
    versions.npm = run('npm --version', work, env).output.trim();
    for (const c of selected) {
      const caseDir = join(work, 'cases', c.name.replace('/', '-'));
      mkdirSync(caseDir, { recursive: true });
      cpSync(join(repo, 'test/fixtures/projects/record', c.fixture), caseDir, { recursive: true });
      const caseEnv = {
        ...env,
        ...c.env,
        PATH: `${join(work, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      };
      const { output, exitCode } = run(c.command, caseDir, caseEnv);
      const out = join(repo, 'test/fixtures/logs', c.name);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(`${out}.log`, output);
      writeFileSync(
        `${out}.json`,
        `${JSON.stringify({ command: c.command, exitCode, root: caseDir, versions }, null, 2)}\n`,
      );
      console.log(`${c.name}: exit ${exitCode}, ${output.length} chars`);
    }
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();

/**
 * Every condenser the dispatcher knows, one factory per tool family. Auto mode runs all of them
 * over each log; `--tool <id>` picks by `tool` id. Order matters only as a tie-break for tools
 * first seen on the same line; fallback condensers go last.
 *
 * JavaScript/TypeScript families live on h/condense; other ecosystems are added by h/langs.
 */
import { actionsCommandCondenser, actionsLogCondenser } from './actions.ts';
import { esbuildCondenser } from './esbuild.ts';
import { eslintCondenser } from './eslint.ts';
import { genericCondenserFactory } from './generic.ts';
import { jestCondenser } from './jest.ts';
import { languageCondenserFactories } from './lang-registry.ts';
import { mochaCondenser } from './mocha.ts';
import { nextCondenser } from './next.ts';
import { nodeTestCondenser } from './node-test.ts';
import { npmCondenser } from './npm.ts';
import { playwrightCondenser } from './playwright.ts';
import { pnpmCondenser } from './pnpm.ts';
import { prettierCondenser } from './prettier.ts';
import { tscCondenser } from './tsc.ts';
import { viteCondenser } from './vite.ts';
import { vitestCondenser } from './vitest.ts';
import { webpackCondenser } from './webpack.ts';
import { yarnCondenser } from './yarn.ts';
import type { CondenserFactory } from './types.ts';

export const condenserFactories: readonly CondenserFactory[] = [
  // JavaScript / TypeScript: package managers first (install precedes build and test)
  npmCondenser,
  pnpmCondenser,
  yarnCondenser,
  tscCondenser,
  eslintCondenser,
  prettierCondenser,
  webpackCondenser,
  viteCondenser,
  esbuildCondenser,
  nextCondenser,
  vitestCondenser,
  jestCondenser,
  mochaCondenser,
  nodeTestCondenser,
  playwrightCondenser,
  // Go, Rust, Python, JVM, C/C++, .NET, Ruby, PHP, Swift (h/langs)
  ...languageCondenserFactories,
  // GitHub Actions channels
  actionsCommandCondenser,
  // Fallbacks: only used when nothing above found anything.
  actionsLogCondenser,
  genericCondenserFactory,
];

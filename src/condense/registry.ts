/**
 * Every condenser the dispatcher knows, one factory per tool family. Auto mode runs all of them
 * over each log; `--tool <id>` picks by `tool` id. Order matters only as a tie-break for tools
 * first seen on the same line; fallback condensers go last.
 *
 * JavaScript/TypeScript families live on h/condense; other ecosystems are added by h/langs.
 */
import { actionsCommandCondenser, actionsLogCondenser } from './actions.ts';
import { genericCondenserFactory } from './generic.ts';
import { languageCondenserFactories } from './lang-registry.ts';
import { tscCondenser } from './tsc.ts';
import type { CondenserFactory } from './types.ts';

export const condenserFactories: readonly CondenserFactory[] = [
  // JavaScript / TypeScript
  tscCondenser,
  // Go, Rust, Python, JVM, C/C++, .NET, Ruby, PHP, Swift (h/langs)
  ...languageCondenserFactories,
  // GitHub Actions channels
  actionsCommandCondenser,
  // Fallbacks: only used when nothing above found anything.
  actionsLogCondenser,
  genericCondenserFactory,
];

/**
 * The non-JavaScript condensers (primary, tool-specific), in registry order. src/condense/registry.ts
 * spreads this list into `condenserFactories`, so adding a language family here needs no edit
 * there. The generic fallback (src/condense/generic.ts) is registered separately, among the
 * fallbacks at the end of the registry.
 */
import type { CondenserFactory } from './types.ts';
import { cargoCondenserFactory } from './cargo.ts';
import { ccCondenserFactory } from './cc.ts';
import { dotnetCondenserFactory } from './dotnet.ts';
import { goCondenserFactory } from './go.ts';
import { jvmCondenserFactory } from './jvm.ts';
import { phpunitCondenserFactory } from './phpunit.ts';
import { pythonCondenserFactory } from './python.ts';
import { rspecCondenserFactory } from './rspec.ts';
import { swiftCondenserFactory } from './swift.ts';

/** Language condensers, one per tool family. */
export const languageCondenserFactories: readonly CondenserFactory[] = [
  goCondenserFactory,
  cargoCondenserFactory,
  pythonCondenserFactory,
  jvmCondenserFactory,
  ccCondenserFactory,
  dotnetCondenserFactory,
  rspecCondenserFactory,
  phpunitCondenserFactory,
  swiftCondenserFactory,
];

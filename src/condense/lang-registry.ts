/**
 * The non-JavaScript condensers, in the order the dispatcher should list them, with the generic
 * fallback last. src/condense/registry.ts spreads this list into `condenserFactories`, so adding a
 * language family here needs no edit there.
 */
import type { CondenserFactory } from './types.ts';
import { cargoCondenserFactory } from './cargo.ts';
import { ccCondenserFactory } from './cc.ts';
import { dotnetCondenserFactory } from './dotnet.ts';
import { genericCondenserFactory } from './generic.ts';
import { goCondenserFactory } from './go.ts';
import { jvmCondenserFactory } from './jvm.ts';
import { phpunitCondenserFactory } from './phpunit.ts';
import { pythonCondenserFactory } from './python.ts';
import { rspecCondenserFactory } from './rspec.ts';
import { swiftCondenserFactory } from './swift.ts';

/** Language condensers; `generic` must stay last (see src/condense/generic.ts for its rules). */
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
  genericCondenserFactory,
];

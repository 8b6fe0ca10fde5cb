// The Action's entry point (action.yml `main`, bundled to dist/index.js).
// Do not add logic here; see run.ts.
import { run } from './run.ts';

// The condense worker is bundled beside this file (scripts/build-action.ts).
await run({ condenseWorker: new URL('./condense-worker.js', import.meta.url) });

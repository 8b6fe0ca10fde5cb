// The Action's entry point (action.yml `main`, bundled to dist/index.js).
// Do not add logic here; see run.ts.
import { run } from './run.ts';

await run();

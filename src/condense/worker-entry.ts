/**
 * Entry of the condense worker thread (see worker.ts). The Action bundles it as
 * action/dist/condense-worker.js.
 */
import { serveCondenseWorker } from './worker.ts';

if (!serveCondenseWorker()) {
  throw new Error('worker-entry.ts is started by createWorkerCondenseSession, not run directly');
}

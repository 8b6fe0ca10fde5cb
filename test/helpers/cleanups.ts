/**
 * Per-test teardown for files that start servers or make temp dirs inside their tests.
 */
import { afterEach } from 'vitest';

/**
 * Returns the list a file's tests push teardowns onto; after each test, pass or fail, they run
 * newest first. Call once at the top level of the test file.
 */
export function registerCleanups(): Array<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return cleanups;
}

/**
 * Probot entry: wiring only. Do not add logic here; handlers live in src/handlers/ and the
 * work they start in src/workflows/. This is the only module that reads `process.env`.
 */
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { parseAppConfig } from './app-config.ts';

export default function fleetwright(app: Probot, _options: ApplicationFunctionOptions): void {
  const config = parseAppConfig(process.env);
  app.log.info({ configRepo: config.configRepo }, 'fleetwright loaded');
}

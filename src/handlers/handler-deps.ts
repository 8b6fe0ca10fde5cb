/**
 * What handlers receive from src/index.ts: the parsed app configuration and a factory that
 * builds the ports for one webhook delivery (adapters over `context.octokit`). Handlers never
 * call `context.octokit.rest.*` themselves (shared/STYLE.md §5).
 */
import type { Context } from 'probot';
import type { AppConfig } from '../app-config.ts';
import type { ModelCatalog } from '../shared/pricing.ts';
import type { ConfigRepoHost } from '../workflows/validate-config-repo.ts';

export interface InstallationPorts {
  gitHost: ConfigRepoHost;
}

export interface HandlerDeps {
  config: AppConfig;
  /** Model prices (config/models.yml or FLEETWRIGHT_MODELS_FILE); manifests must name priced models. */
  modelCatalog: ModelCatalog;
  forInstallation(context: Context): InstallationPorts;
}

/** Is `name` the org's config repo? GitHub repository names are case-insensitive. */
export function isConfigRepo(name: string, config: AppConfig): boolean {
  return name.toLowerCase() === config.configRepo.toLowerCase();
}

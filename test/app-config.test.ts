import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../src/app-config.ts';

describe('app-config', () => {
  it('fills documented defaults when nothing is set', () => {
    expect(parseAppConfig({})).toEqual({
      configRepo: 'fleetwright-config',
      appSlug: 'fleetwright',
      concurrency: 4,
      coderConcurrency: 2,
      tickMinutes: 5,
      webUrl: 'https://github.com',
    });
  });

  it('reads every variable', () => {
    const config = parseAppConfig({
      FLEETWRIGHT_CONFIG_REPO: 'platform-migrations',
      FLEETWRIGHT_APP_SLUG: 'acme-fleetwright',
      FLEETWRIGHT_CONCURRENCY: '8',
      FLEETWRIGHT_CODER_CONCURRENCY: '3',
      FLEETWRIGHT_TICK_MINUTES: '1',
      GHE_HOST: 'github.acme.internal',
      GHE_PROTOCOL: 'http',
    });

    expect(config).toEqual({
      configRepo: 'platform-migrations',
      appSlug: 'acme-fleetwright',
      concurrency: 8,
      coderConcurrency: 3,
      tickMinutes: 1,
      webUrl: 'http://github.acme.internal',
    });
  });

  it('derives the web address of a GitHub Enterprise Server over https unless GHE_PROTOCOL says otherwise', () => {
    expect(parseAppConfig({ GHE_HOST: 'ghe.example.com:8443' }).webUrl).toBe('https://ghe.example.com:8443');
    expect(() => parseAppConfig({ GHE_HOST: 'not a host' })).toThrowError(/GHE_HOST/);
  });

  it('lists every invalid variable at once instead of starting with a bad value', () => {
    expect(() =>
      parseAppConfig({
        FLEETWRIGHT_CONFIG_REPO: 'org/repo',
        FLEETWRIGHT_CONCURRENCY: 'many',
        FLEETWRIGHT_TICK_MINUTES: '-5',
      }),
    ).toThrowError(
      expect.objectContaining({
        message: expect.stringMatching(
          /a repository name without owner[\s\S]*FLEETWRIGHT_CONCURRENCY must be a number[\s\S]*FLEETWRIGHT_TICK_MINUTES must be positive/,
        ),
      }),
    );
  });
});

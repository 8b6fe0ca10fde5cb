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
    });
  });

  it('reads every variable', () => {
    const config = parseAppConfig({
      FLEETWRIGHT_CONFIG_REPO: 'platform-migrations',
      FLEETWRIGHT_APP_SLUG: 'acme-fleetwright',
      FLEETWRIGHT_CONCURRENCY: '8',
      FLEETWRIGHT_CODER_CONCURRENCY: '3',
      FLEETWRIGHT_TICK_MINUTES: '1',
    });

    expect(config).toEqual({
      configRepo: 'platform-migrations',
      appSlug: 'acme-fleetwright',
      concurrency: 8,
      coderConcurrency: 3,
      tickMinutes: 1,
    });
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

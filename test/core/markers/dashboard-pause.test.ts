import { describe, expect, it } from 'vitest';
import { parsePauseMarker, renderPauseMarker } from '../../../src/core/markers/dashboard-pause.ts';

describe('core/markers/dashboard-pause', () => {
  it('round-trips who paused and when', () => {
    const marker = renderPauseMarker({ by: 'olivia-o', at: '2026-11-21T10:00:00.000Z' });

    expect(marker).toBe('<!-- fleetwright:pause v1 {"by":"olivia-o","at":"2026-11-21T10:00:00.000Z"} -->');
    expect(parsePauseMarker(`text\n${marker}\nmore`)).toEqual({
      status: 'paused',
      pause: { by: 'olivia-o', at: '2026-11-21T10:00:00.000Z' },
    });
  });

  it.each([
    ['no marker', 'just a dashboard', 'running'],
    ['broken JSON', '<!-- fleetwright:pause v1 {"by": -->', 'damaged'],
    ['unknown version', '<!-- fleetwright:pause v9 {} -->', 'damaged'],
    [
      'a login GitHub cannot have',
      '<!-- fleetwright:pause v1 {"by":"a b","at":"2026-11-21T10:00:00Z"} -->',
      'damaged',
    ],
    ['no time', '<!-- fleetwright:pause v1 {"by":"x","at":"soon"} -->', 'damaged'],
    [
      'two markers',
      `${renderPauseMarker({ by: 'a', at: '2026-11-21T10:00:00Z' })}${renderPauseMarker({ by: 'b', at: '2026-11-21T10:00:00Z' })}`,
      'damaged',
    ],
  ])('%s → %s', (_name, body, status) => {
    expect(parsePauseMarker(body).status).toBe(status);
  });

  it('refuses to render what it could not read back', () => {
    expect(() => renderPauseMarker({ by: 'x --> y', at: '2026-11-21T10:00:00Z' })).toThrow();
  });
});

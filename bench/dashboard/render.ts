/**
 * `node bench/dashboard/render.ts`: times one dashboard render (`renderDashboardReport`, what
 * every dashboard sync does before deciding whether to edit) at fleet sizes, with the realistic
 * mix of states, failures and costs of the 200-target test fixture and varied repository names,
 * and reports the body size, how much it had to summarise and how the ledger was stored.
 * Prints the median of 5 runs for each case.
 */
import { renderDashboardReport } from '../../src/core/dashboard/render-dashboard.ts';
import { belongsInLedger } from '../../src/core/markers/ledger.ts';
import type { Target } from '../../src/core/target/target.ts';
import {
  MIGRATION,
  NOW,
  buildMigrationTargets,
  buildScaledTargets,
} from '../../test/core/dashboard/migration-fixture.ts';

function median(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2] as number;
}

const fixture = buildMigrationTargets();
const cases: [string, Target[]][] = [
  ...[200, 1_000, 5_000, 20_000].map((count): [string, Target[]] => [
    `${count} targets`,
    buildScaledTargets(count, fixture),
  ]),
  ['5000 targets, none with a PR', buildScaledTargets(5_000, fixture.filter(belongsInLedger))],
  ['20000 targets, none with a PR', buildScaledTargets(20_000, fixture.filter(belongsInLedger))],
];

process.stdout.write('| case | median render | body characters | level | ledger | outcomes left out |\n');
process.stdout.write('| --- | ---: | ---: | ---: | --- | ---: |\n');
for (const [name, targets] of cases) {
  const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW });
  const ms = median(() => renderDashboardReport({ migration: MIGRATION, targets, now: NOW }));
  process.stdout.write(
    `| ${name} | ${ms.toFixed(1)} ms | ${report.body.length.toLocaleString('en-US')} | ${report.level} | ${report.ledgerEncoding} | ${report.ledgerDropped} |\n`,
  );
}

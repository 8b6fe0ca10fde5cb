import { readFileSync } from 'node:fs';
import { parseManifest } from './src/core/manifest/parse.ts';
for (const f of ['replace-request-with-fetch', 'jest-to-vitest']) {
  const p = `examples/fleetwright-config/migrations/${f}.yml`;
  const r = parseManifest(readFileSync(p, 'utf8'), p);
  console.log(r.ok ? JSON.stringify(r.manifest).slice(0, 300) : r.errors);
}
const bad = `version: 2
id: Bad_Id
title: ""
prompt: "  "
promptFile: ../x.md
targets:
  repos: ['a/b/c', 'x*']
  patterns: ['foo bar', '[', '!x', 'a/']
  topics: [Frontend]
  includeArchive: true
budget:
  maxIteration: 3
  maxCostPerRepoUsd: 0
  maxTotalUsd: -1
review:
  reviewers: 5
extra: 1
`;
const r = parseManifest(bad, 'migrations/bad.yml');
if (!r.ok) for (const e of r.errors) console.log(`${e.line}:${e.column} [${e.code}] ${e.message}`);
const r2 = parseManifest(`version: 1\nid: bad\ntitle: x\nprompt: "  "\npromptFile: ../x.md\ntargets:\n  repos: ['a/b/c', 'x*']\n  patterns: ['foo bar', '[', '!x', 'a/']\n  topics: [Frontend]\nbudget:\n  maxCostPerRepoUsd: 10\n  maxTotalUsd: 5\npr:\n  title: "{{repo.nme}} x"\n  labels: [fleetwright:ready]\nreview:\n  ownerPreview: true\n`, 'migrations/bad.yml');
if (!r2.ok) for (const e of r2.errors) console.log(`${e.line}:${e.column} [${e.code}] ${e.message}`);

#!/usr/bin/env node
// Entry for the `fleetwright` CLI. Do not add logic here; see src/cli.ts.
// The sources are TypeScript run by Node's built-in type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 20)) {
  process.stderr.write(`fleetwright needs Node.js >= 22.20 (found ${process.versions.node}); see .nvmrc.\n`);
  process.exit(2);
}
const { main, processIo } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2), processIo());

#!/usr/bin/env node
// The executable: a shim that checks the Node version and loads the built CLI.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`keyshift: needs Node >= 22 (this is ${process.version}); run scripts/keyshift, which installs one\n`);
  process.exit(2);
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);

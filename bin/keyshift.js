#!/usr/bin/env node
// The executable: a shim that checks the Node version and loads the built CLI.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`keyshift: needs Node >= 22 (this is ${process.version}); run scripts/keyshift, which installs one\n`);
  process.exit(2);
}
// Node's on-disk compile cache (22.1+; in the OS temp directory unless NODE_COMPILE_CACHE
// names one, off with NODE_DISABLE_COMPILE_CACHE=1): later runs skip compiling the CLI's
// few hundred modules. A cache that cannot be written only costs that saving.
const { enableCompileCache } = await import('node:module');
try {
  enableCompileCache?.();
} catch {
  // no cache: compile as usual
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);

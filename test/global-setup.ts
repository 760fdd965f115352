// CLI tests run the real binary, which loads dist/: build it first when the sources are
// newer (scripts/test.sh has usually done so already, so this is cheap).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = join(root, 'dist/cli/main.js');
  const stale = !existsSync(built) || Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'cli'))) > statSync(built).mtimeMs;
  if (!stale) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    // unit tests can still run; the CLI tests will fail against a missing or stale dist/
    process.stderr.write(`global-setup: the build failed; CLI tests will fail:\n${String((e as { stdout?: Buffer }).stdout ?? '')}\n`);
  }
}

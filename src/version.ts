// The package version, read once from package.json so documents and --version agree. The
// module runs from src/ (tests) and from dist/src/ (the built CLI), so walk up to find it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'keyshift') return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('keyshift package.json not found');
    dir = parent;
  }
}

const pkg = JSON.parse(readFileSync(findPackageJson(dirname(fileURLToPath(import.meta.url))), 'utf8')) as { version: string };
export const VERSION: string = pkg.version;

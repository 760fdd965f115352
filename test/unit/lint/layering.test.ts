// The layering of DESIGN.md is enforced by the project's real ESLint config: src/ may not
// import terminal libraries, print, or exit; cli/ may.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('src/ stays free of terminal code', () => {
  it.each(['ink', 'react', 'chalk', 'commander', 'ink/build/render.js'])('src/ cannot import %s', async (mod) => {
    expect(await ruleIds(`import x from '${mod}';\nexport const y = x;\n`, 'src/scan/example.ts')).toContain('no-restricted-imports');
  });

  it('src/ cannot import cli/', async () => {
    expect(await ruleIds(`import { main } from '../../cli/main.js';\nexport const y = main;\n`, 'src/scan/example.ts')).toContain('no-restricted-imports');
  });

  it('src/ cannot print or exit', async () => {
    const ids = await ruleIds(`export function f(): void {\n  console.log('x');\n  process.exit(1);\n}\n`, 'src/scan/example.ts');
    expect(ids).toContain('no-console');
    expect(ids).toContain('no-restricted-properties');
  });

  it('cli/ may use them', async () => {
    expect(await ruleIds(`import chalk from 'chalk';\nexport const y = chalk.red('x');\n`, 'cli/views/example.ts')).toEqual([]);
  });
});

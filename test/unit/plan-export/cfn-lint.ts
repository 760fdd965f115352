// AWS's CloudFormation linter, cfn-lint from PyPI, installed by scripts/ensure-cfn-lint.sh
// into .cache/cfn-lint (once). If it cannot be installed the test fails and says why; it is
// never skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

let installed: string | undefined;

function cfnLintPath(): string {
  if (installed) return installed;
  try {
    installed = execFileSync('bash', [join(root, 'scripts/ensure-cfn-lint.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return installed;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? '';
    throw new Error(`cannot install cfn-lint to validate the CloudFormation export: ${stderr.trim() || (e as Error).message}`);
  }
}

export interface LintResult {
  status: number | null;
  /** cfn-lint's findings, one per rule match */
  output: string;
}

/** Lints a YAML template; status 0 means no errors, warnings or informational findings. */
export function cfnLint(template: string): LintResult {
  const executable = cfnLintPath();
  const dir = mkdtempSync(join(tmpdir(), 'keyshift-cfn-'));
  try {
    const file = join(dir, 'template.yaml');
    writeFileSync(file, template);
    const run = spawnSync(executable, [file], { encoding: 'utf8', timeout: 120_000 });
    if (run.error) throw new Error(`cfn-lint did not run: ${run.error.message}`);
    return { status: run.status, output: `${run.stdout}${run.stderr}`.replaceAll(file, 'template.yaml') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

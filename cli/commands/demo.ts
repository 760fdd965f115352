// `keyshift demo`: the main job on an embedded default, no AWS account needed. Today: build a
// sample git repository with synthetic keys and scan it, working tree and history.
import chalk from 'chalk';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { buildSampleRepo } from '../../src/demo/sample-repo.js';
import { runRepoScanJob } from '../../src/scan/repo/repo-scan-job.js';
import { formatFindings } from '../../src/report/format-findings.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { renderFindingsTable } from '../views/findings-table.js';

export async function runDemo(ctx: CliContext, opts: { keep?: boolean }): Promise<number> {
  const say = (line: string) => {
    if (!ctx.mode.quiet) ctx.streams.stderr.write(`${line}\n`);
  };
  const sample = await buildSampleRepo(tmpdir());
  try {
    say(chalk.bold('keyshift demo') + ': a sample git repository built just now, with synthetic keys (not real AWS keys):');
    say(`  ${sample.dir}`);
    for (const p of sample.planted) say(`  planted ${p.keyId} in ${p.path}: ${p.note}`);
    say('  and the AWS documentation example keys in README.md, which are not findings.');
    say(`running ${chalk.cyan(`keyshift scan repo --history ${sample.dir}`)}:\n`);
    const doc = await runRepoScanJob({
      paths: [sample.dir],
      history: true,
      maxFileSize: 1024 * 1024,
      host: ctx.host,
      signal: ctx.signal,
      now: ctx.now(),
    });
    ctx.host.close();
    await writeResult(ctx.mode.json ? formatFindings(doc, 'json') : renderFindingsTable(doc), undefined, ctx.streams);
    const found = new Set(doc.findings.map((f) => f.keyId));
    const missed = sample.planted.filter((p) => !found.has(p.keyId));
    const examples = doc.findings.filter((f) => f.keyId?.endsWith('EXAMPLE'));
    if (missed.length > 0 || examples.length > 0) {
      ctx.streams.stderr.write(`keyshift demo: expected all ${sample.planted.length} planted keys and no documentation examples; missed ${missed.length}, examples reported ${examples.length}\n`);
      return ExitCode.internal;
    }
    say(`\nfound all ${sample.planted.length} planted keys, and no documentation examples.`);
    say('next: `keyshift scan repo --history .` on your own repository.');
    if (opts.keep) say(`the sample repository is kept at ${sample.dir}`);
    return ExitCode.ok;
  } finally {
    if (!opts.keep) await rm(sample.dir, { recursive: true, force: true });
  }
}

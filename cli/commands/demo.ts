// `keyshift demo`: the main job on an embedded default, no AWS account needed. First a sample
// git repository with synthetic keys, scanned with its history; then the whole pipeline on an
// emulated account (a local moto server, installed into the project's cache on first use)
// with fixture hosts changed through the local executor: scan, usage, plan, apply, verify,
// deactivate, rollback. Both emulations are said plainly in the output.
import chalk from 'chalk';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleRepo } from '../../src/demo/sample-repo.js';
import { installMoto, startMotoServer } from '../../src/demo/moto-server.js';
import { runPipelineDemo, type PipelineDemoResult } from '../../src/demo/pipeline-demo.js';
import { isKeyshiftError } from '../../src/errors.js';
import { silentHost } from '../../src/io/host.js';
import { runRepoScanJob } from '../../src/scan/repo/repo-scan-job.js';
import { formatFindings } from '../../src/report/format-findings.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { renderFindingsTable } from '../views/findings-table.js';

export interface DemoOptions {
  keep?: boolean;
  /** only the repository scan (no emulated account) */
  repoOnly?: boolean;
}

export async function runDemo(ctx: CliContext, opts: DemoOptions): Promise<number> {
  const say = (line: string) => {
    if (!ctx.mode.quiet) ctx.streams.stderr.write(`${line}\n`);
  };
  const repoCode = await repoDemo(ctx, opts, say);
  if (repoCode !== ExitCode.ok || opts.repoOnly) return repoCode;

  say(`\n${chalk.bold('2. the whole migration')} on an ${chalk.bold('emulated')} AWS account: a local moto server, not AWS`);
  let serverPath: string;
  try {
    serverPath = await installMoto(ctx.env);
  } catch (e) {
    if (!isKeyshiftError(e)) throw e;
    ctx.streams.stderr.write(`keyshift demo: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}  the repository part above ran; run \`keyshift demo --repo-only\` to skip the emulated account\n`);
    return ExitCode.awsRefused;
  }
  const moto = await startMotoServer(serverPath);
  const dir = await mkdtemp(join(tmpdir(), 'keyshift-demo-'));
  try {
    // the narration tells the story; the engine's own progress lines only with --debug
    const result = await runPipelineDemo({ moto, dir, host: ctx.mode.debug ? ctx.host : silentHost, signal: ctx.signal, narrate: say });
    ctx.host.close();
    for (const c of result.checks) say(`  ${c.ok ? chalk.green('ok') : chalk.red('FAILED')}  ${c.name} (${c.detail})`);
    if (ctx.mode.json) await writeResult(`${JSON.stringify(demoJson(result), null, 2)}\n`, undefined, ctx.streams);
    if (opts.keep) say(`the demo's documents, journal and hosts are kept in ${dir}`);
    if (result.checks.some((c) => !c.ok)) {
      ctx.streams.stderr.write('keyshift demo: the migration did not end as expected (see FAILED above)\n');
      return ExitCode.internal;
    }
    say(`\nnext: ${chalk.cyan('keyshift scan aws > inventory.json')}, ${chalk.cyan('keyshift usage --from s3://your-trail-bucket/prefix --inventory inventory.json > usage.json')}, ${chalk.cyan('keyshift plan --inventory inventory.json --usage usage.json > plan.json')}, then review it and ${chalk.cyan('keyshift apply plan.json')}.`);
    return ExitCode.ok;
  } finally {
    await moto.stop();
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}

function demoJson(r: PipelineDemoResult): Record<string, unknown> {
  return {
    kind: 'demo-result',
    version: 1,
    planId: r.prepared.plan.planId,
    workloads: r.prepared.plan.workloads.map((w) => ({ id: w.id, role: w.role.name, mode: w.role.mode, status: w.status })),
    applyRuns: r.runs.map((x) => ({ outcome: x.outcome, mutatingCalls: x.callsSent })),
    checks: r.checks,
  };
}

async function repoDemo(ctx: CliContext, opts: DemoOptions, say: (line: string) => void): Promise<number> {
  const sample = await buildSampleRepo(tmpdir());
  try {
    say(`${chalk.bold('keyshift demo')}\n${chalk.bold('1. scan repo')}: a sample git repository built just now, with synthetic keys (not real AWS keys):`);
    say(`  ${sample.dir}`);
    for (const p of sample.planted) say(`  planted ${p.keyId} in ${p.path}: ${p.note}`);
    say('  and the AWS documentation example keys in README.md, which are not findings.');
    say(`running ${chalk.cyan(`keyshift scan repo --history ${sample.dir}`)}:\n`);
    const doc = await runRepoScanJob({ paths: [sample.dir], history: true, maxFileSize: 1024 * 1024, host: ctx.host, signal: ctx.signal, now: ctx.now() });
    if (!ctx.mode.json) await writeResult(renderFindingsTable(doc), undefined, ctx.streams);
    else if (opts.repoOnly) await writeResult(formatFindings(doc, 'json'), undefined, ctx.streams);
    const found = new Set(doc.findings.map((f) => f.keyId));
    const missed = sample.planted.filter((p) => !found.has(p.keyId));
    const examples = doc.findings.filter((f) => f.keyId?.endsWith('EXAMPLE'));
    if (missed.length > 0 || examples.length > 0) {
      ctx.streams.stderr.write(`keyshift demo: expected all ${sample.planted.length} planted keys and no documentation examples; missed ${missed.length}, examples reported ${examples.length}\n`);
      return ExitCode.internal;
    }
    say(`\nfound all ${sample.planted.length} planted keys, and no documentation examples.`);
    if (opts.keep) say(`the sample repository is kept at ${sample.dir}`);
    return ExitCode.ok;
  } finally {
    if (!opts.keep) await rm(sample.dir, { recursive: true, force: true });
  }
}

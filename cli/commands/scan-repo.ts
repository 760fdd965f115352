// `keyshift scan repo`: options -> the repository scan job -> the chosen format -> exit code.
import { runRepoScanJob } from '../../src/scan/repo/repo-scan-job.js';
import type { CliContext } from '../context.js';
import type { ReportFormat } from './choices.js';
import { emitFindings, scanExitCode } from './emit-findings.js';

export interface ScanRepoOptions {
  history?: boolean;
  format: ReportFormat;
  output?: string;
  maxFileSize: number;
  ignoreFile?: string;
  baseline?: string;
  exitCode: number;
  resolve?: boolean;
  profile?: string;
  region?: string;
  endpointUrl?: string;
}

export async function runScanRepo(ctx: CliContext, paths: string[], opts: ScanRepoOptions): Promise<number> {
  const doc = await runRepoScanJob({
    paths: paths.length > 0 ? paths : ['.'],
    history: opts.history === true,
    maxFileSize: opts.maxFileSize,
    ignoreFile: opts.ignoreFile,
    baseline: opts.baseline,
    resolve: opts.resolve === true ? { profile: opts.profile, region: opts.region, endpointUrl: opts.endpointUrl } : undefined,
    env: ctx.env,
    host: ctx.host,
    signal: ctx.signal,
    now: ctx.now(),
  });
  await emitFindings(ctx, doc, opts.format, opts.output);
  return scanExitCode(doc, opts.exitCode);
}

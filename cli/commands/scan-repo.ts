// `keyshift scan repo`: options -> the repository scan job -> the chosen format -> exit code.
import { runRepoScanJob } from '../../src/scan/repo/repo-scan-job.js';
import { formatFindings, type FindingsFormat } from '../../src/report/format-findings.js';
import type { FindingsDocument } from '../../src/model/findings-document.js';
import type { CliContext } from '../context.js';
import { combineExitCodes, ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { renderFindingsTable } from '../views/findings-table.js';
import type { ReportFormat } from './choices.js';


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
  ctx.host.close();
  const format: ReportFormat = ctx.mode.json && opts.format === 'table' ? 'json' : opts.format;
  const text = format === 'table' ? renderFindingsTable(doc) : formatFindings(doc, format as FindingsFormat);
  await writeResult(text, opts.output, ctx.streams);
  return scanExitCode(doc, opts.exitCode);
}

/** 1 (or --exit-code) for findings, 6 when part of the input could not be read. */
export function scanExitCode(doc: FindingsDocument, findingsCode: number): number {
  const codes: number[] = [];
  if (doc.findings.length > 0) codes.push(findingsCode);
  if (doc.problems.some((p) => p.reason === 'unreadable' || p.reason === 'git-error')) codes.push(ExitCode.incomplete);
  return combineExitCodes(codes, findingsCode);
}

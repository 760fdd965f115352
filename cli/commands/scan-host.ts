// `keyshift scan host`: options -> the host scan job -> the chosen format -> exit code.
import { hostname } from 'node:os';
import { runHostScanJob } from '../../src/scan/host/host-scan-job.js';
import type { CliContext } from '../context.js';
import type { ReportFormat } from './choices.js';
import { emitFindings, scanExitCode } from './emit-findings.js';

export interface ScanHostOptions {
  root: string;
  hostName?: string;
  appDir?: string[];
  processes: boolean;
  format: ReportFormat;
  output?: string;
  maxFileSize: number;
  ignoreFile?: string;
  baseline?: string;
  exitCode: number;
}

export async function runScanHost(ctx: CliContext, opts: ScanHostOptions): Promise<number> {
  const doc = await runHostScanJob({
    root: opts.root,
    hostName: opts.hostName ?? (opts.root === '/' ? hostname() : opts.root),
    appDirs: opts.appDir,
    includeProcesses: opts.processes,
    maxFileSize: opts.maxFileSize,
    ignoreFile: opts.ignoreFile,
    baseline: opts.baseline,
    host: ctx.host,
    signal: ctx.signal,
    now: ctx.now(),
  });
  await emitFindings(ctx, doc, opts.format, opts.output);
  return scanExitCode(doc, opts.exitCode);
}

// The whole `scan repo` job as the CLI and library callers see it: ignore rules, the scan,
// suppression, optional account resolution, and the findings document.
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import type { IoHost } from '../../io/host.js';
import { FINDINGS_VERSION, type FindingsDocument } from '../../model/findings-document.js';
import { VERSION } from '../../version.js';
import type { AwsConnection } from '../../aws/connection.js';
import { loadIgnoreFile } from '../suppression/ignore-file.js';
import { loadBaseline } from '../suppression/baseline.js';
import { applySuppression } from '../suppression/apply-suppression.js';
import { resolveAccounts } from './resolve-accounts.js';
import { scanRepo } from './scan-repo.js';

export interface RepoScanJob {
  paths: string[];
  history: boolean;
  maxFileSize: number;
  /** explicit ignore file; otherwise .keyshiftignore at the first scanned directory, if any */
  ignoreFile?: string | undefined;
  baseline?: string | undefined;
  resolve?: AwsConnection | undefined;
  env?: Record<string, string | undefined>;
  host: IoHost;
  signal?: AbortSignal;
  now: Date;
}

export async function runRepoScanJob(job: RepoScanJob): Promise<FindingsDocument> {
  const ignoreRules = await loadIgnoreFile(job.ignoreFile ?? (await defaultIgnoreFile(job.paths)), { explicit: job.ignoreFile !== undefined });
  const baseline = job.baseline === undefined ? undefined : await loadBaseline(job.baseline);
  job.host.notify({ type: 'phase', phase: 'scan', message: job.history ? 'scanning working tree and git history' : 'scanning working tree' });
  const result = await scanRepo({
    paths: job.paths,
    history: job.history,
    maxFileSize: job.maxFileSize,
    host: job.host,
    signal: job.signal,
    now: job.now,
    ignorePath: (rel) => ignoreRules.ignoresPath(rel),
  });
  const suppressed = applySuppression(result.findings, { ignoreRules, baseline });
  let findings = suppressed.kept;
  if (job.resolve) {
    job.host.notify({ type: 'phase', phase: 'resolve', message: 'resolving accounts with sts:GetAccessKeyInfo' });
    findings = await resolveAccounts(findings, job.resolve, job.env ?? {}, job.signal);
  }
  for (const finding of findings) job.host.notify({ type: 'finding', finding });
  return {
    kind: 'findings',
    version: FINDINGS_VERSION,
    account: null,
    asOf: job.now.toISOString(),
    generator: { name: 'keyshift', version: VERSION },
    scan: { target: 'repo', roots: result.roots, history: job.history, maxFileSize: job.maxFileSize },
    stats: {
      ...result.stats,
      suppressed: { ...result.stats.suppressed, ignoreFile: suppressed.ignoreFile, baseline: suppressed.baseline },
    },
    problems: result.problems,
    findings,
  };
}

async function defaultIgnoreFile(paths: string[]): Promise<string> {
  const first = paths[0] ?? '.';
  const isDir = await stat(first).then((s) => s.isDirectory(), () => false);
  return join(isDir ? first : '.', '.keyshiftignore');
}

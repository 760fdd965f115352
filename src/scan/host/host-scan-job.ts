// The whole `scan host` job as the CLI and library callers see it: the scan, suppression by
// an ignore file (fingerprints) and a baseline, and the findings document (target 'host').
import type { IoHost } from '../../io/host.js';
import type { FindingsDocument, ScanStats } from '../../model/findings-document.js';
import { findingsDocument } from '../build-findings-document.js';
import { applySuppression } from '../suppression/apply-suppression.js';
import { loadBaseline } from '../suppression/baseline.js';
import { loadIgnoreFile } from '../suppression/ignore-file.js';
import type { HostScanStats } from './host-scan-stats.js';
import { DEFAULT_HOST_MAX_FILE_SIZE, scanHost } from './scan-host.js';

export interface HostScanJob {
  root: string;
  hostName: string;
  appDirs?: readonly string[] | undefined;
  includeProcesses: boolean;
  maxFileSize?: number | undefined;
  /** an ignore file of finding fingerprints; host paths are not matched against its patterns */
  ignoreFile?: string | undefined;
  baseline?: string | undefined;
  host: IoHost;
  signal?: AbortSignal;
  now: Date;
}

export async function runHostScanJob(job: HostScanJob): Promise<FindingsDocument> {
  const ignoreRules = job.ignoreFile === undefined ? undefined : await loadIgnoreFile(job.ignoreFile, { explicit: true });
  const baseline = job.baseline === undefined ? undefined : await loadBaseline(job.baseline);
  const maxFileSize = job.maxFileSize ?? DEFAULT_HOST_MAX_FILE_SIZE;
  job.host.notify({ type: 'phase', phase: 'scan', message: `scanning the host under ${job.root}` });
  const result = await scanHost({
    root: job.root,
    hostName: job.hostName,
    appDirs: job.appDirs,
    includeProcesses: job.includeProcesses,
    maxFileSize,
    host: job.host,
    ...(job.signal && { signal: job.signal }),
  });
  const suppressed = applySuppression(result.findings, { ignoreRules, baseline });
  for (const finding of suppressed.kept) job.host.notify({ type: 'finding', finding });
  return findingsDocument(
    {
      scan: { target: 'host', roots: [result.root], history: false, maxFileSize },
      stats: documentStats(result.stats, suppressed),
      problems: result.problems,
      findings: suppressed.kept,
    },
    job.now,
  );
}

/** The document's counters: processes whose environment was closed count as unreadable. */
function documentStats(stats: HostScanStats, suppressed: { ignoreFile: number; baseline: number }): ScanStats {
  return {
    files: stats.files,
    bytes: stats.bytes,
    blobs: stats.blobs,
    skipped: { ...stats.skipped, unreadable: stats.skipped.unreadable + stats.processes.denied },
    suppressed: { ...stats.suppressed, ignoreFile: suppressed.ignoreFile, baseline: suppressed.baseline },
  };
}

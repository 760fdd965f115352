// Counters of a host scan: the repository scan's file counters (files examined, bytes handed
// to the detectors, files skipped) plus the processes, whose environments may be closed to
// the scanning user: those are counted, not reported one by one.
import type { ScanStats } from '../../model/findings-document.js';
import { emptyStats } from '../repo/scan-stats.js';

export interface ProcessStats {
  /** process directories found under proc/ */
  seen: number;
  /** processes whose environment or command line was read */
  scanned: number;
  /** processes whose environment could not be read (EACCES: another user's process) */
  denied: number;
  /** processes that ended while being scanned */
  gone: number;
}

export interface HostScanStats extends ScanStats {
  processes: ProcessStats;
}

export function emptyHostStats(): HostScanStats {
  return { ...emptyStats(), processes: { seen: 0, scanned: 0, denied: 0, gone: 0 } };
}

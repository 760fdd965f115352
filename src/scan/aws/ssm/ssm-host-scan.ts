// What `scan aws --ssm` knows about each instance's host: its findings when the payload ran,
// or why it did not. Never a silent "clean": an instance the scan could not reach says so.
import type { Finding } from '../../../model/finding.js';
import type { ScanProblem } from '../../../model/findings-document.js';
import type { HostScanStats } from '../../host/host-scan-stats.js';

export type SsmScanStatus =
  /** the payload ran and its whole output came back */
  | 'scanned'
  /** Systems Manager does not manage it, or its agent is not online */
  | 'not-managed'
  /** Windows or macOS: the payload is for Linux */
  | 'not-linux'
  /** the command was refused, did not arrive, timed out, or its output was lost or invalid */
  | 'failed';

export interface SsmHostScan {
  instanceId: string;
  region: string;
  status: SsmScanStatus;
  /** why an instance was not scanned, in a line */
  reason?: string;
  /** the host's findings, each located on the host named by the instance ID */
  findings: Finding[];
  problems: ScanProblem[];
  stats?: HostScanStats;
}

export function unscanned(instanceId: string, region: string, status: Exclude<SsmScanStatus, 'scanned'>, reason: string): SsmHostScan {
  return { instanceId, region, status, reason, findings: [], problems: [] };
}

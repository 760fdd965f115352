// The findings of one host scan as they are made: each source says what it found and where,
// and this turns that into Findings with their Locations and fingerprints, keeps one finding
// per fingerprint (the first), and hands them back in a stable order.
//
// Fingerprint paths name the place without what moves, so baselines survive edits and
// restarts: a file by host and path (and section, for a profile), a service by host, manager,
// unit and defining file, a process by host, command and user, never its PID (a service's
// worker processes share one finding, under the lowest PID).
import type { Finding } from '../../model/finding.js';
import type { HostFileLocation, Location } from '../../model/location.js';
import { credentialFinding, type CredentialFacts } from '../credential-finding.js';
import type { HostFile } from './root-fs.js';

export type HostFileFormat = HostFileLocation['format'];
export type ServiceManager = 'systemd' | 'compose' | 'docker';

/** Where in a file: the profile or section, the variable, the line. */
export interface FilePlace {
  section?: string | undefined;
  variable?: string | undefined;
  line?: number | undefined;
}

export interface ProcessIdentity {
  pid: number;
  command?: string | undefined;
  user?: string | undefined;
}

export class HostFindings {
  private readonly byFingerprint = new Map<string, Finding>();
  private readonly filesReported = new Set<string>();

  constructor(readonly hostName: string) {}

  /** True the first time a file (by its resolved path) is claimed: its credentials are reported once. */
  claimFile(file: HostFile): boolean {
    if (this.filesReported.has(file.resolvedPath)) return false;
    this.filesReported.add(file.resolvedPath);
    return true;
  }

  inFile(file: HostFile, format: HostFileFormat, facts: CredentialFacts, place: FilePlace, subject?: string): void {
    const location: HostFileLocation = {
      type: 'host-file',
      host: this.hostName,
      path: file.path,
      format,
      ...(place.section !== undefined && { section: place.section }),
      ...(place.variable !== undefined && { variable: place.variable }),
      owner: file.owner,
      mode: file.mode,
      ...(place.line !== undefined && { line: place.line }),
    };
    const path = `${this.hostName}:${file.path}${place.section === undefined ? '' : `[${place.section}]`}`;
    this.add(credentialFinding(facts, path, location, subject));
  }

  inService(manager: ServiceManager, unit: string, file: string | undefined, variable: string, facts: CredentialFacts, subject?: string): void {
    const location: Location = {
      type: 'service-env',
      host: this.hostName,
      manager,
      unit,
      ...(file !== undefined && { file }),
      variable,
    };
    this.add(credentialFinding(facts, `${this.hostName}:${manager}:${unit}:${file ?? ''}`, location, subject));
  }

  inProcess(process: ProcessIdentity, variable: string, facts: CredentialFacts, subject?: string): void {
    const location: Location = {
      type: 'process-env',
      host: this.hostName,
      pid: process.pid,
      ...(process.command !== undefined && { command: process.command }),
      ...(process.user !== undefined && { user: process.user }),
      variable,
    };
    this.add(credentialFinding(facts, `${this.hostName}:process:${process.command ?? ''}:${process.user ?? ''}`, location, subject));
  }

  /** Every finding: files, then services, then processes, each in path or name order. */
  all(): Finding[] {
    return [...this.byFingerprint.values()].sort(compareFindings);
  }

  private add(finding: Finding): void {
    if (!this.byFingerprint.has(finding.fingerprint)) this.byFingerprint.set(finding.fingerprint, finding);
  }
}

const TYPE_ORDER: readonly Location['type'][] = ['host-file', 'service-env', 'process-env'];

function sortKey(loc: Location): [string, number] {
  switch (loc.type) {
    case 'host-file':
      return [`${loc.path}\0${loc.section ?? ''}`, loc.line ?? 0];
    case 'service-env':
      return [`${loc.manager}\0${loc.unit}\0${loc.file ?? ''}\0${loc.variable}`, 0];
    case 'process-env':
      return [`${String(loc.pid).padStart(10, '0')}\0${loc.variable}`, 0];
    default:
      return ['', 0];
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  const [ka, la] = sortKey(a.location);
  const [kb, lb] = sortKey(b.location);
  return (
    TYPE_ORDER.indexOf(a.location.type) - TYPE_ORDER.indexOf(b.location.type) ||
    compareStrings(ka, kb) ||
    la - lb ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

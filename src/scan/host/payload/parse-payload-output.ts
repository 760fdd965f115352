// The host payload's output (scan-host.sh's JSON lines) as the findings `scan host` would
// have made on that host. The payload does not judge: it sends a redacted skeleton of the
// files that matter, key IDs, and each secret's fingerprint and shape. Here the skeleton is
// written out with stand-in secrets of the same shape class, the host scanner itself runs on
// it, and each stand-in's fingerprint is swapped back for the real one, with the finding
// fingerprints that depend on it. Owners and modes are the host's, from the payload; so are
// the problems and counters. One scanner, one set of rules: the payload cannot drift from it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findingFingerprint, secretFingerprint } from '../../../detect/index.js';
import type { IoHost } from '../../../io/host.js';
import { silentHost } from '../../../io/host.js';
import type { Finding } from '../../../model/finding.js';
import type { Location } from '../../../model/location.js';
import { emptyHostStats, type HostScanStats } from '../host-scan-stats.js';
import { namesById, parsePasswd } from '../passwd.js';
import { RootFs } from '../root-fs.js';
import { scanHost, type ScanHostResult } from '../scan-host.js';
import { readPayloadOutput, type PayloadOutput } from './payload-records.js';
import { writeSkeletonRoot } from './skeleton-root.js';
import { secretVerdict, surrogateSecret } from './surrogate-secret.js';

export interface PayloadScanOptions {
  /** how findings name the host: its instance ID */
  hostName: string;
  /** warnings (a compose file that is not YAML, closed processes); progress is the caller's */
  host?: IoHost;
  signal?: AbortSignal;
}

export async function findingsFromPayloadOutput(text: string, options: PayloadScanOptions): Promise<ScanHostResult> {
  const output = readPayloadOutput(text);
  const host = options.host ?? silentHost;
  const standIns = new Map<string, string>();
  const realBySurrogate = new Map<string, string>();
  for (const [fp, shape] of output.secrets) {
    const standIn = surrogateSecret(fp, secretVerdict(shape));
    standIns.set(fp, standIn);
    realBySurrogate.set(secretFingerprint(standIn), `sha256:${fp}`);
  }

  const dir = await mkdtemp(join(tmpdir(), 'keyshift-skeleton-'));
  try {
    await writeSkeletonRoot(dir, output, (fp) => standIns.get(fp)!);
    const scanned = await scanHost({
      root: dir,
      hostName: options.hostName,
      appDirs: output.appDirs,
      includeProcesses: output.processes,
      host: warningsOnly(host),
      ...(options.signal && { signal: options.signal }),
    });
    const placeOf = await fileMetadata(dir, output);
    const findings = await Promise.all(scanned.findings.map((f) => onHost(f, realBySurrogate, placeOf)));
    if (output.end.processes.denied > 0) {
      const n = output.end.processes.denied;
      host.notify({
        type: 'warning',
        code: 'processes-denied',
        message: `the environment of ${n} process${n === 1 ? '' : 'es'} could not be read (another user's); run as root to read them all`,
      });
    }
    return { findings, problems: sortedProblems(output), stats: statsOf(output), root: output.root };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The skeleton scan's own closed-process count is not the host's: that warning comes from the payload. */
function warningsOnly(host: IoHost): IoHost {
  return {
    notify: (event) => {
      if (event.type === 'warning' && event.code !== 'processes-denied') host.notify(event);
    },
    confirm: (question) => host.confirm(question),
  };
}

interface FileOnHost {
  owner: string;
  mode: string;
}

/** The owner and mode on the host of the file a path leads to, following the skeleton's links as the scanner did. */
async function fileMetadata(dir: string, output: PayloadOutput): Promise<(path: string) => Promise<FileOnHost | undefined>> {
  const fs = await RootFs.open(dir, Number.MAX_SAFE_INTEGER, emptyHostStats(), []);
  const names = namesById(parsePasswd(output.users.map((u) => `${u.name}:x:${u.uid}:${u.uid}::${u.home}:/bin/sh`).join('\n')));
  return async (path) => {
    const resolved = await fs.resolve(path);
    const file = resolved.kind === 'found' ? output.files.get(resolved.hostPath) : undefined;
    if (!file) return undefined;
    return { owner: file.uid === null ? 'unknown' : (names.get(file.uid) ?? String(file.uid)), mode: file.mode };
  };
}

async function onHost(finding: Finding, realBySurrogate: ReadonlyMap<string, string>, placeOf: (path: string) => Promise<FileOnHost | undefined>): Promise<Finding> {
  let result = finding;
  if (finding.secretFingerprint !== undefined) {
    const real = realBySurrogate.get(finding.secretFingerprint);
    if (real === undefined) throw new Error('a finding in the payload skeleton names a secret that is not a stand-in'); // a bug
    // A finding about a secret alone is fingerprinted by the secret: the real one, here.
    const fingerprint = finding.keyId === undefined ? findingFingerprint(finding.rule, real, fingerprintPath(finding.location)) : finding.fingerprint;
    result = { ...finding, fingerprint, secretFingerprint: real };
  }
  if (result.location.type === 'host-file') {
    const place = await placeOf(result.location.path);
    if (place) result = { ...result, location: { ...result.location, owner: place.owner, mode: place.mode } };
  }
  return result;
}

/** The place part of a finding fingerprint, as HostFindings builds it for each location type. */
export function fingerprintPath(location: Location): string {
  switch (location.type) {
    case 'host-file':
      return `${location.host}:${location.path}${location.section === undefined ? '' : `[${location.section}]`}`;
    case 'service-env':
      return `${location.host}:${location.manager}:${location.unit}:${location.file ?? ''}`;
    case 'process-env':
      return `${location.host}:process:${location.command ?? ''}:${location.user ?? ''}`;
    default:
      throw new Error(`a host scan does not make ${location.type} findings`);
  }
}

function statsOf(output: PayloadOutput): HostScanStats {
  const { stats, processes } = output.end;
  return {
    ...emptyHostStats(),
    files: stats.files,
    bytes: stats.bytes,
    skipped: { binary: stats.binary, tooLarge: stats.tooLarge, symlinks: 0, unreadable: stats.unreadable },
    processes: { ...processes },
  };
}

function sortedProblems(output: PayloadOutput): ScanHostResult['problems'] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...output.problems].sort((a, b) => compare(a.path, b.path) || compare(a.reason, b.reason));
}

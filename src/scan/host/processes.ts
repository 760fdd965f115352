// Running processes, under the root's proc/: each one's environment (/proc/PID/environ) and
// command line (/proc/PID/cmdline, where a JVM gets -Daws.accessKeyId=… and
// -Daws.secretKey=…), both NUL-separated. Another user's environ is closed unless the scan
// runs as root: such processes are counted, not reported one by one, and the scan goes on;
// so are processes that end while being read. The command name comes from status, never
// from the command line, which may hold a key.
import { throwIfAborted } from '../../errors.js';
import type { Assignment } from './assignment.js';
import { detectInEnvironment } from './credential-clusters.js';
import { asNamedValue } from './file-sightings.js';
import { homesOf, type HostScanContext } from './host-scan-context.js';
import type { ProcessStats } from './host-scan-stats.js';
import type { ProcessIdentity } from './host-findings.js';
import { findRoleBlockers } from './role-blockers.js';
import type { RawRead } from './root-fs.js';

const GONE = new Set(['ENOENT', 'ESRCH']);
const PROGRESS_EVERY = 100;

export async function scanProcesses(context: HostScanContext, stats: ProcessStats): Promise<void> {
  const pids = (await context.fs.list('/proc'))
    .filter((e) => e.kind === 'directory' && /^[1-9][0-9]*$/.test(e.name))
    .map((e) => Number(e.name))
    .sort((a, b) => a - b);
  // Scanning the live system: the scan's own environment is the operator's shell, not a workload.
  const self = context.fs.realRoot === '/' ? process.pid : undefined;
  for (const pid of pids) {
    throwIfAborted(context.signal);
    if (pid === self) continue;
    if (stats.seen % PROGRESS_EVERY === 0) {
      context.host.notify({ type: 'progress', phase: 'processes', done: stats.seen, total: pids.length, unit: 'processes' });
    }
    stats.seen++;
    await scanProcess(context, pid, stats);
  }
}

async function scanProcess(context: HostScanContext, pid: number, stats: ProcessStats): Promise<void> {
  const dir = `/proc/${pid}`;
  const [status, environ, cmdline] = [await context.fs.readRaw(`${dir}/status`), await context.fs.readRaw(`${dir}/environ`), await context.fs.readRaw(`${dir}/cmdline`)];
  // A process that ended takes its whole directory with it; status is always there before.
  if ('error' in status && GONE.has(status.error)) {
    stats.gone++;
    return;
  }
  if ('error' in environ && !GONE.has(environ.error)) {
    stats.denied++;
    if ('error' in cmdline) return;
  } else {
    stats.scanned++;
  }
  const identity = processIdentity(context, pid, status);
  const environment = 'bytes' in environ ? environAssignments(environ.bytes) : [];
  const commandLine = 'bytes' in cmdline ? commandLineAssignments(cmdline.bytes) : [];
  for (const { detection, at } of detectInEnvironment([...environment, ...commandLine].map(asNamedValue))) {
    context.findings.inProcess(identity, at.variable, detection);
  }
  for (const blocker of await findRoleBlockers(environment, homesOf(context, identity.user), context.awsFiles)) {
    context.findings.inProcess(identity, blocker.assignment.variable, blocker.facts, blocker.subject);
  }
}

function processIdentity(context: HostScanContext, pid: number, status: RawRead): ProcessIdentity {
  if (!('bytes' in status)) return { pid };
  const text = status.bytes.toString('utf8');
  const name = /^Name:\s*(.*)$/m.exec(text)?.[1]?.trim();
  const uid = /^Uid:\s*(\d+)/m.exec(text)?.[1];
  const user = uid === undefined ? undefined : (context.fs.ownerNames.get(Number(uid)) ?? uid);
  return { pid, ...(name && { command: name }), ...(user !== undefined && { user }) };
}

/** NUL-separated strings, the last terminator optional. */
function nulSeparated(bytes: Buffer): string[] {
  const parts = bytes.toString('utf8').split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

export function environAssignments(bytes: Buffer): Assignment[] {
  const assignments: Assignment[] = [];
  for (const entry of nulSeparated(bytes)) {
    const eq = entry.indexOf('=');
    if (eq > 0) assignments.push({ variable: entry.slice(0, eq), value: entry.slice(eq + 1) });
  }
  return assignments;
}

/**
 * The command line's arguments as assignments: `-Dname=value` and `--name=value` under their
 * own names (`-Daws.secretKey`), `--name value` under `--name`, `NAME=value` (after env) as
 * a variable, and anything else under `argv[N]`.
 */
export function commandLineAssignments(bytes: Buffer): Assignment[] {
  const args = nulSeparated(bytes);
  const assignments: Assignment[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    const named = /^(-D[^=]+|--?[A-Za-z][\w.-]*|[A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
    if (named) {
      assignments.push({ variable: named[1]!, value: named[2]! });
    } else if (/^--[A-Za-z][\w.-]*$/.test(arg) && i + 1 < args.length && !args[i + 1]!.startsWith('-')) {
      assignments.push({ variable: arg, value: args[++i]! });
    } else {
      assignments.push({ variable: `argv[${i}]`, value: arg });
    }
  }
  return assignments;
}

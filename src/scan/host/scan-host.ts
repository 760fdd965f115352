// `scan host`: the static AWS keys of one machine (its live root, or a mounted root
// filesystem) and what would stop an instance role from replacing them. Sources, in order:
//   ~/.aws/credentials and ~/.aws/config of every user in the root's /etc/passwd, and /root
//   tools with their own keys: ~/.s3cfg, ~/.boto, /etc/boto.cfg, passwd-s3fs, rclone.conf
//   /etc/environment and /etc/default/*
//   systemd units and drop-ins, with their Environment= and EnvironmentFile=
//   docker-compose files and .env files in the application directories
//   crontabs
//   /proc/PID/environ and cmdline of running processes, when asked
// Every path is resolved within the root (RootFs). A secret never leaves: findings carry
// fingerprints computed here. What cannot be read becomes a problem, and the scan goes on.
import { stat } from 'node:fs/promises';
import { badInput, throwIfAborted, usageError } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { Finding } from '../../model/finding.js';
import type { ScanProblem } from '../../model/findings-document.js';
import { DEFAULT_APP_DIRS, expandAppDirs } from './app-dirs.js';
import { AwsCredentialFiles } from './aws-credential-files.js';
import { scanAppDirs } from './compose-projects.js';
import { scanCrontabs } from './crontabs.js';
import { EnvFiles } from './env-files.js';
import { HostFindings } from './host-findings.js';
import type { HostScanContext } from './host-scan-context.js';
import { emptyHostStats, type HostScanStats } from './host-scan-stats.js';
import { namesById, parsePasswd, type PasswdUser } from './passwd.js';
import { scanProcesses } from './processes.js';
import { normalise, RootFs } from './root-fs.js';
import { scanSystemEnvironment } from './standalone-env.js';
import { scanSystemdUnits } from './systemd-units.js';
import { scanToolConfigs } from './tool-configs.js';

export { DEFAULT_APP_DIRS } from './app-dirs.js';

/** As for scan repo: larger files are skipped and counted. */
export const DEFAULT_HOST_MAX_FILE_SIZE = 1024 * 1024;

export interface ScanHostOptions {
  /** "/" for the running system, or the directory a root filesystem is mounted on */
  root: string;
  /** how findings name the host: an instance ID, a hostname */
  hostName: string;
  /** where compose and .env files are looked for, absolute within the root; `*` matches one name */
  appDirs?: readonly string[];
  /** also read /proc/PID/environ and cmdline under the root */
  includeProcesses: boolean;
  maxFileSize?: number;
  host: IoHost;
  signal?: AbortSignal;
}

export interface ScanHostResult {
  findings: Finding[];
  problems: ScanProblem[];
  stats: HostScanStats;
  /** the root's real path */
  root: string;
}

export async function scanHost(options: ScanHostOptions): Promise<ScanHostResult> {
  const { host, signal } = options;
  const maxFileSize = options.maxFileSize ?? DEFAULT_HOST_MAX_FILE_SIZE;
  if (!Number.isSafeInteger(maxFileSize) || maxFileSize <= 0) {
    throw usageError(`the maximum file size must be a positive number of bytes, not ${maxFileSize}`);
  }
  if (options.hostName.trim() === '') throw usageError('the host needs a name for its findings');
  await expectDirectory(options.root);

  const stats = emptyHostStats();
  const problems: ScanProblem[] = [];
  const fs = await RootFs.open(options.root, maxFileSize, stats, problems);
  const passwd = await fs.readText('/etc/passwd');
  const users = passwd ? parsePasswd(passwd.text) : [];
  fs.ownerNames = namesById(users);
  const findings = new HostFindings(options.hostName);
  const context: HostScanContext = {
    fs,
    findings,
    awsFiles: new AwsCredentialFiles(fs, findings),
    envFiles: new EnvFiles(fs, findings),
    users,
    homes: await existingHomes(fs, users),
    host,
    signal,
  };

  const phase = (name: string, message: string) => {
    throwIfAborted(signal);
    host.notify({ type: 'phase', phase: name, message });
  };
  phase('aws-config', `reading ~/.aws of ${context.homes.length} home directories`);
  for (const home of context.homes) await context.awsFiles.scanHome(home);
  phase('tool-configs', 'reading the configs of tools with their own keys (s3cmd, boto, s3fs, rclone)');
  await scanToolConfigs(fs, findings, context.homes);
  phase('environment', 'reading /etc/environment and /etc/default');
  await scanSystemEnvironment(context);
  phase('systemd', 'reading systemd units, drop-ins and their environment files');
  await scanSystemdUnits(context);
  phase('apps', 'looking for docker-compose and .env files in the application directories');
  await scanAppDirs(context, await expandAppDirs(fs, options.appDirs ?? DEFAULT_APP_DIRS));
  phase('cron', 'reading crontabs');
  await scanCrontabs(context);
  if (options.includeProcesses) {
    phase('processes', 'reading the environment and command line of running processes');
    await scanProcesses(context, stats.processes);
    if (stats.processes.denied > 0) {
      host.notify({
        type: 'warning',
        code: 'processes-denied',
        message: `the environment of ${stats.processes.denied} process${stats.processes.denied === 1 ? '' : 'es'} could not be read (another user's); run as root to read them all`,
      });
    }
  }
  throwIfAborted(signal);

  problems.sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.reason, b.reason));
  return { findings: findings.all(), problems, stats, root: fs.realRoot };
}

async function expectDirectory(root: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch (e) {
    throw badInput(`cannot read the root ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give the directory a root filesystem is mounted on, or /', e);
  }
  if (!isDirectory) throw badInput(`the root ${root} is not a directory`, 'give the directory a root filesystem is mounted on, or /');
}

/** Every user's home that exists in the root, and /root, each once, in passwd order. */
async function existingHomes(fs: RootFs, users: readonly PasswdUser[]): Promise<string[]> {
  const homes: string[] = [];
  for (const home of [...users.map((u) => normalise(u.home)), '/root']) {
    if (home === '/' || homes.includes(home)) continue;
    if ((await fs.resolve(home)).kind === 'found') homes.push(home);
  }
  return homes;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

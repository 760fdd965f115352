// Crontabs: the users' (/var/spool/cron/crontabs/USER on Debian, /var/spool/cron/USER on
// Red Hat) and the system's (/etc/crontab, /etc/cron.d/*). Their keys are the file's; their
// role blockers are looked up in the crontab owner's ~/.aws, or every user's for a system
// crontab's environment lines.
import { throwIfAborted } from '../../errors.js';
import { parseCrontab } from './crontab.js';
import { environmentReading, fileSightings } from './file-sightings.js';
import { homesOf, type HostScanContext } from './host-scan-context.js';
import { findRoleBlockers } from './role-blockers.js';

const USER_CRONTAB_DIRECTORIES = ['/var/spool/cron/crontabs', '/var/spool/cron'];

export async function scanCrontabs(context: HostScanContext): Promise<void> {
  const crontabs: { path: string; system: boolean; user?: string }[] = [{ path: '/etc/crontab', system: true }];
  for (const entry of await context.fs.list('/etc/cron.d')) {
    if (entry.kind !== 'directory' && !entry.name.startsWith('.')) crontabs.push({ path: `/etc/cron.d/${entry.name}`, system: true });
  }
  for (const directory of USER_CRONTAB_DIRECTORIES) {
    for (const entry of await context.fs.list(directory)) {
      if (entry.kind !== 'directory' && !entry.name.startsWith('.')) crontabs.push({ path: `${directory}/${entry.name}`, system: false, user: entry.name });
    }
  }
  for (const crontab of crontabs) {
    throwIfAborted(context.signal);
    const file = await context.fs.readText(crontab.path);
    if (!file) continue;
    const assignments = parseCrontab(file.text, { file: file.path, system: crontab.system, user: crontab.user });
    if (context.findings.claimFile(file)) {
      for (const s of fileSightings(file.text, environmentReading(assignments))) context.findings.inFile(file, 'shell', s.detection, s);
    }
    const users = new Set(assignments.map((a) => a.user));
    const homes = users.has(undefined) ? context.homes : [...users].flatMap((u) => homesOf(context, u));
    for (const blocker of await findRoleBlockers(assignments, [...new Set(homes)], context.awsFiles)) {
      const { variable, line } = blocker.assignment;
      context.findings.inFile(file, 'shell', blocker.facts, { variable, line }, blocker.subject);
    }
  }
}

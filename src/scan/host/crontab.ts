// Crontabs (crontab(5)): `NAME=value` lines set the environment of every job below them;
// a job line is a schedule (five fields or an @keyword), in system crontabs a user, then a
// shell command, which may set variables itself (`AWS_SECRET_ACCESS_KEY=… aws s3 sync …`,
// `export AWS_PROFILE=…;`). Both kinds are assignments; a job's carry the user it runs as.
import type { Assignment } from './assignment.js';
import { envValue } from './env-file.js';

const ENVIRONMENT_LINE = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)/;
const INLINE_ASSIGNMENT = /(^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)/g;

export interface CrontabOptions {
  file: string;
  /** /etc/crontab and /etc/cron.d have a user field; a user's own crontab runs as its owner */
  system: boolean;
  /** the owner of a user's crontab */
  user?: string | undefined;
}

export function parseCrontab(text: string, options: CrontabOptions): Assignment[] {
  const assignments: Assignment[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const place = { file: options.file, line: index + 1 };
    const environment = ENVIRONMENT_LINE.exec(line);
    if (environment) {
      const start = environment[0].length;
      const { value, offset } = envValue(line.slice(start));
      assignments.push({ ...place, variable: environment[2]!, value, column: start + offset + 1, user: options.user });
      return;
    }
    const job = jobCommand(line, options.system);
    if (!job) return;
    const user = job.user ?? options.user;
    for (const m of job.command.matchAll(INLINE_ASSIGNMENT)) {
      const valueAt = job.offset + m.index + m[0].length - m[3]!.length;
      const quoted = m[3]!.startsWith('"') || m[3]!.startsWith("'");
      assignments.push({
        ...place,
        variable: m[2]!,
        value: quoted ? m[3]!.slice(1, -1) : m[3]!,
        column: valueAt + (quoted ? 1 : 0) + 1,
        user,
      });
    }
  });
  return assignments;
}

/** The command of a job line, where it starts, and the user field of a system crontab. */
function jobCommand(line: string, system: boolean): { command: string; offset: number; user: string | undefined } | undefined {
  const fields = /^\s*(@\w+|(?:\S+\s+){4}\S+)\s+/.exec(line);
  if (!fields) return undefined;
  let offset = fields[0].length;
  let user: string | undefined;
  if (system) {
    const userField = /^(\S+)\s+/.exec(line.slice(offset));
    if (!userField) return undefined;
    user = userField[1];
    offset += userField[0].length;
  }
  return { command: line.slice(offset), offset, user };
}

// Tools that keep their own AWS keys, in formats the AWS SDKs never read, so that a key left
// there survives the move to an instance role unnoticed: s3cmd (~/.s3cfg), boto 2
// (~/.boto, /etc/boto.cfg), s3fs (~/.passwd-s3fs, /etc/passwd-s3fs) and rclone
// (~/.config/rclone/rclone.conf, the older ~/.rclone.conf).
import { fileSightings, type FileReading } from './file-sightings.js';
import type { HostFileFormat, HostFindings } from './host-findings.js';
import { parseIni } from './ini-file.js';
import { AWS_KEY_FIELDS, iniReading, RCLONE_KEY_FIELDS, S3CMD_KEY_FIELDS, type KeyFields } from './ini-credentials.js';
import { passwdS3fsReading } from './passwd-s3fs.js';
import type { RootFs } from './root-fs.js';

interface ToolConfig {
  format: HostFileFormat;
  read: (text: string, file: string) => FileReading;
}

const ini = (fields: KeyFields): ToolConfig => ({ format: 'ini', read: (text, file) => iniReading(parseIni(text), fields, file) });
const S3CMD = ini(S3CMD_KEY_FIELDS);
const BOTO = ini(AWS_KEY_FIELDS);
const RCLONE = ini(RCLONE_KEY_FIELDS);
const PASSWD_S3FS: ToolConfig = { format: 'other', read: passwdS3fsReading };

const IN_HOME: readonly [string, ToolConfig][] = [
  ['.s3cfg', S3CMD],
  ['.boto', BOTO],
  ['.passwd-s3fs', PASSWD_S3FS],
  ['.config/rclone/rclone.conf', RCLONE],
  ['.rclone.conf', RCLONE],
];

const SYSTEM_WIDE: readonly [string, ToolConfig][] = [
  ['/etc/passwd-s3fs', PASSWD_S3FS],
  ['/etc/boto.cfg', BOTO],
];

export async function scanToolConfigs(fs: RootFs, findings: HostFindings, homes: readonly string[]): Promise<void> {
  const files = [...SYSTEM_WIDE, ...homes.flatMap((home) => IN_HOME.map(([name, tool]) => [`${home}/${name}`, tool] as const))];
  for (const [path, tool] of files) {
    const file = await fs.readText(path);
    if (!file || !findings.claimFile(file)) continue;
    for (const s of fileSightings(file.text, tool.read(file.text, file.path))) findings.inFile(file, tool.format, s.detection, s);
  }
}

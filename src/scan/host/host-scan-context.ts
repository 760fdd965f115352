// What every source of a host scan shares: the root filesystem, the findings so far, the
// AWS files and environment files already read, and who the users are.
import type { IoHost } from '../../io/host.js';
import type { AwsCredentialFiles } from './aws-credential-files.js';
import type { EnvFiles } from './env-files.js';
import type { HostFindings } from './host-findings.js';
import type { PasswdUser } from './passwd.js';
import type { RootFs } from './root-fs.js';

export interface HostScanContext {
  fs: RootFs;
  findings: HostFindings;
  awsFiles: AwsCredentialFiles;
  envFiles: EnvFiles;
  users: readonly PasswdUser[];
  /** every user's home directory that exists in the root, /root included */
  homes: readonly string[];
  host: IoHost;
  signal: AbortSignal | undefined;
}

/**
 * The home directories whose ~/.aws a user's programs read: the user's own (by name or
 * numeric ID), or every home when the user is not known.
 */
export function homesOf(context: HostScanContext, user: string | undefined): readonly string[] {
  if (user === undefined) return context.homes;
  const found = context.users.find((u) => u.name === user) ?? context.users.find((u) => String(u.uid) === user);
  if (found) return [found.home];
  return user === 'root' || user === '0' ? ['/root'] : context.homes;
}

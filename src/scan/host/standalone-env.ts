// Environment files that stand on their own: /etc/environment (read by pam_env for every
// login), /etc/default/* (sourced by init scripts and named by units), and the .env files of
// applications. Their credentials are the file's; their role blockers apply to whoever reads
// them, so AWS_PROFILE is looked up in every user's ~/.aws.
import type { HostScanContext } from './host-scan-context.js';
import { findRoleBlockers } from './role-blockers.js';

export async function scanStandaloneEnvFile(context: HostScanContext, path: string): Promise<void> {
  const env = await context.envFiles.load(path);
  if (!env) return;
  for (const blocker of await findRoleBlockers(env.assignments, context.homes, context.awsFiles)) {
    const { variable, line } = blocker.assignment;
    context.findings.inFile(env.file, 'env', blocker.facts, { variable, line }, blocker.subject);
  }
}

/** /etc/environment and every file in /etc/default. */
export async function scanSystemEnvironment(context: HostScanContext): Promise<void> {
  await scanStandaloneEnvFile(context, '/etc/environment');
  for (const entry of await context.fs.list('/etc/default')) {
    if (entry.kind === 'directory') continue;
    await scanStandaloneEnvFile(context, `/etc/default/${entry.name}`);
  }
}

// What in an environment would keep an instance role from taking effect, even once one is
// attached: the SDKs and the CLI take static keys from a profile before they ever ask the
// instance metadata service, and cannot ask it at all when it is disabled.
//   AWS_PROFILE / AWS_DEFAULT_PROFILE    selects a profile whose credentials are a static key,
//                                        its own or its source_profile's
//   AWS_SHARED_CREDENTIALS_FILE          points at a credentials file whose selected profile
//                                        holds a static key
//   AWS_EC2_METADATA_DISABLED=true       no instance metadata, so no instance role
// Profiles are looked up where the environment's programs would look: the files the variables
// name (AWS_CONFIG_FILE too), else ~/.aws of the user they run as, or of every user when the
// environment does not say (/etc/environment, a compose service).
import type { CredentialFacts } from '../credential-finding.js';
import { effectiveAssignments, type Assignment } from './assignment.js';
import { keyFacts, resolveStaticKey, type AwsCredentialFiles } from './aws-credential-files.js';
import { normalise } from './root-fs.js';

export interface RoleBlocker {
  facts: CredentialFacts;
  /** the variable that blocks */
  assignment: Assignment;
  /** what the finding is about, for its fingerprint */
  subject: string;
}

export const METADATA_DISABLED = 'AWS_EC2_METADATA_DISABLED';
const PROFILE_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'];
const CREDENTIALS_FILE = 'AWS_SHARED_CREDENTIALS_FILE';
const CONFIG_FILE = 'AWS_CONFIG_FILE';

export async function findRoleBlockers(
  assignments: readonly Assignment[],
  homes: readonly string[],
  awsFiles: AwsCredentialFiles,
): Promise<RoleBlocker[]> {
  const effective = effectiveAssignments(assignments);
  const get = (name: string) => effective.find((a) => a.variable === name);
  const blockers: RoleBlocker[] = [];

  const metadata = get(METADATA_DISABLED);
  if (metadata && metadata.value.trim().toLowerCase() === 'true') {
    blockers.push({ facts: { rule: 'aws-ec2-metadata-disabled', severity: 'high' }, assignment: metadata, subject: METADATA_DISABLED });
  }

  const profileVariable = PROFILE_VARIABLES.map(get).find((a) => a !== undefined && a.value.trim() !== '');
  const credentialsVariable = get(CREDENTIALS_FILE);
  if (!profileVariable && !credentialsVariable) return blockers;
  const profile = profileVariable?.value.trim() ?? 'default';
  const configVariable = get(CONFIG_FILE);

  for (const home of homes.length > 0 ? homes : ['/root']) {
    const credentialsPath = credentialsVariable ? expandPath(credentialsVariable.value, home) : `${home}/.aws/credentials`;
    const configPath = configVariable ? expandPath(configVariable.value, home) : `${home}/.aws/config`;
    const credentials = credentialsPath === undefined ? undefined : await awsFiles.load(credentialsPath, 'credentials');
    const config = configPath === undefined ? undefined : await awsFiles.load(configPath, 'config');
    const resolved = resolveStaticKey(profile, credentials, config);
    if (!resolved) continue;
    const facts = { severity: 'high' as const, ...keyFacts(resolved.key) };
    const subject = resolved.key.keyId ?? resolved.key.secretFingerprint ?? profile;
    if (profileVariable) blockers.push({ facts: { rule: 'aws-profile-selects-static-keys', ...facts }, assignment: profileVariable, subject });
    if (credentialsVariable && credentials && resolved.file === credentials.file.path) {
      blockers.push({ facts: { rule: 'aws-credentials-file-has-static-keys', ...facts }, assignment: credentialsVariable, subject });
    }
    break; // the first user whose files resolve is enough to show the block
  }
  return blockers;
}

/** A path as the SDKs expand it: ~ and $HOME are the home directory; a relative path cannot be placed. */
function expandPath(written: string, home: string): string | undefined {
  const path = written.trim().replace(/^(?:~|\$HOME|\$\{HOME\})(?=\/|$)/, home);
  return path.startsWith('/') ? normalise(path) : undefined;
}

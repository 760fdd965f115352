// What each rule means and what to do about its findings: the text of SARIF's rule
// descriptors (shown on GitHub next to every alert) and of the reports' advice.
import type { RuleId, Severity } from '../model/finding.js';

export interface RuleDescription {
  /** PascalCase name, as SARIF consumers show it */
  name: string;
  /** one line; GitHub limits it to 1024 characters */
  short: string;
  /** a paragraph; GitHub limits it to 1024 characters */
  full: string;
  /** the rule's severity before per-finding adjustments (a temporary key is less severe) */
  defaultSeverity: Severity;
  helpText: string;
  helpMarkdown: string;
}

const REMEDIATION_TEXT = [
  'What to do:',
  '1. Move the workload that uses the key to an IAM role (an instance profile on EC2, a task role on ECS, IAM roles for service accounts on EKS, OIDC federation in CI) so it no longer needs a static key.',
  '2. Deactivate the access key, watch for failures, then delete it. If the repository has ever been shared, treat the key as exposed and deactivate it now.',
  '3. Remove the key from the file. Removing it from git history does not make it safe again: every existing clone keeps it, so deactivation is what protects you.',
  'If this is not a real key, add the finding fingerprint to .keyshiftignore.',
].join('\n');

const REMEDIATION_MARKDOWN = [
  '**What to do**',
  '',
  '1. **Move the workload to an IAM role** (an instance profile on EC2, a task role on ECS, IAM roles for service accounts on EKS, OIDC federation in CI) so it no longer needs a static key.',
  '2. **Deactivate the access key**, watch for failures, then delete it (`aws iam update-access-key --status Inactive`, then `aws iam delete-access-key`). If the repository has ever been shared, treat the key as exposed and deactivate it now.',
  '3. **Remove the key from the file.** Removing it from git history does not make it safe again: every existing clone keeps it, so deactivation is what protects you.',
  '',
  'If this is not a real key, add the finding fingerprint (`ks1:…`) to `.keyshiftignore`.',
].join('\n');

// The host rules: settings and pointers that keep a workload on a static key.
const HOST_REMEDIATION_TEXT = [
  'What to do:',
  '1. Move the workload to an IAM role (an instance profile on EC2) so it no longer needs a static key.',
  '2. Remove the setting from the file, unit, service or process environment, and restart what reads it.',
  '3. Deactivate the access key it leads to, watch for failures, then delete it.',
].join('\n');

const HOST_REMEDIATION_MARKDOWN = [
  '**What to do**',
  '',
  '1. **Move the workload to an IAM role** (an instance profile on EC2) so it no longer needs a static key.',
  '2. **Remove the setting** from the file, unit, service or process environment, and restart what reads it.',
  '3. **Deactivate the access key** it leads to, watch for failures, then delete it.',
].join('\n');

export const RULE_DESCRIPTIONS: Readonly<Record<RuleId, RuleDescription>> = {
  'aws-access-key-pair': {
    name: 'AwsAccessKeyPair',
    short: 'AWS access key ID together with its secret access key',
    full:
      'An AWS access key ID and a secret access key appear close together: a usable credential. ' +
      'Anyone who can read this file, or any commit that contains it, can call AWS as the key\'s owner.',
    defaultSeverity: 'critical',
    helpText: `A usable AWS credential (key ID and secret) is stored in the repository.\n\n${REMEDIATION_TEXT}`,
    helpMarkdown: `A usable AWS credential (key ID and secret) is stored in the repository.\n\n${REMEDIATION_MARKDOWN}`,
  },
  'aws-access-key-id': {
    name: 'AwsAccessKeyId',
    short: 'AWS access key ID',
    full:
      'An AWS access key ID (AKIA, ASIA, ABIA, ACCA or A3T prefix). The ID alone cannot sign requests, ' +
      'but it shows a static key exists and its secret is often stored nearby or elsewhere in history.',
    defaultSeverity: 'high',
    helpText:
      'An AWS access key ID is stored in the repository. Look for its secret in the same file, in other ' +
      'files and in history. Temporary (ASIA) keys expire, but revoke the role\'s active sessions if ' +
      `they may still be valid.\n\n${REMEDIATION_TEXT}`,
    helpMarkdown:
      'An AWS access key ID is stored in the repository. Look for its secret in the same file, in other ' +
      'files and in history. Temporary (`ASIA…`) keys expire, but revoke the role\'s active sessions if ' +
      `they may still be valid.\n\n${REMEDIATION_MARKDOWN}`,
  },
  'aws-secret-access-key': {
    name: 'AwsSecretAccessKey',
    short: 'AWS secret access key',
    full:
      'A 40-character AWS secret access key, recognised by the name it is assigned to or by its ' +
      'neighbourhood, without a key ID close by. Together with its key ID it is a usable credential.',
    defaultSeverity: 'high',
    helpText:
      'An AWS secret access key is stored in the repository; its key ID was not found next to it. ' +
      'Find the key it belongs to (the same file in other commits, deployment configuration, the IAM ' +
      `credential report) and treat that key as exposed.\n\n${REMEDIATION_TEXT}`,
    helpMarkdown:
      'An AWS secret access key is stored in the repository; its key ID was not found next to it. ' +
      'Find the key it belongs to (the same file in other commits, deployment configuration, the IAM ' +
      `credential report) and treat that key as exposed.\n\n${REMEDIATION_MARKDOWN}`,
  },
  'aws-credential-process': {
    name: 'AwsCredentialProcess',
    short: 'AWS profile that gets its credentials from an external program',
    full:
      'An AWS profile sets credential_process: an external program supplies its credentials, often a ' +
      'long-lived key kept in a vault or a file the scan cannot see. Whatever the program returns takes ' +
      'precedence over an instance role for every program that uses this profile.',
    defaultSeverity: 'medium',
    helpText:
      'An AWS profile gets its credentials from credential_process. Find out which key the program hands ' +
      'out and which workloads select this profile; once they run under an IAM role, remove the profile.' +
      `\n\n${HOST_REMEDIATION_TEXT}`,
    helpMarkdown:
      'An AWS profile gets its credentials from `credential_process`. Find out which key the program hands ' +
      'out and which workloads select this profile; once they run under an IAM role, remove the profile.' +
      `\n\n${HOST_REMEDIATION_MARKDOWN}`,
  },
  'aws-source-profile': {
    name: 'AwsSourceProfile',
    short: 'AWS profile that assumes a role with another profile\'s credentials',
    full:
      'An AWS profile sets source_profile: it assumes a role using the credentials of another profile. ' +
      'When that profile holds a static key (the finding names it), the role is only as safe as that key, ' +
      'and the workload keeps depending on it.',
    defaultSeverity: 'medium',
    helpText:
      'An AWS profile assumes a role with the credentials of its source_profile. Replace the source with ' +
      'credential_source = Ec2InstanceMetadata (or let the instance role assume the role), then remove the static key.' +
      `\n\n${HOST_REMEDIATION_TEXT}`,
    helpMarkdown:
      'An AWS profile assumes a role with the credentials of its `source_profile`. Replace the source with ' +
      '`credential_source = Ec2InstanceMetadata` (or let the instance role assume the role), then remove the static key.' +
      `\n\n${HOST_REMEDIATION_MARKDOWN}`,
  },
  'aws-profile-selects-static-keys': {
    name: 'AwsProfileSelectsStaticKeys',
    short: 'AWS_PROFILE selects a profile with a static key, so an instance role would never be used',
    full:
      'An environment (a file, a service or a running process) sets AWS_PROFILE or AWS_DEFAULT_PROFILE to a ' +
      'profile that holds a static access key, directly or through source_profile. The SDKs use that key ' +
      'before they ever ask the instance metadata service, so attaching an instance role changes nothing.',
    defaultSeverity: 'high',
    helpText:
      'AWS_PROFILE selects a profile with a static key. Remove the variable (or point it at a profile with ' +
      'credential_source = Ec2InstanceMetadata) when the workload moves to its IAM role, then deactivate the key.' +
      `\n\n${HOST_REMEDIATION_TEXT}`,
    helpMarkdown:
      '`AWS_PROFILE` selects a profile with a static key. Remove the variable (or point it at a profile with ' +
      '`credential_source = Ec2InstanceMetadata`) when the workload moves to its IAM role, then deactivate the key.' +
      `\n\n${HOST_REMEDIATION_MARKDOWN}`,
  },
  'aws-credentials-file-has-static-keys': {
    name: 'AwsCredentialsFileHasStaticKeys',
    short: 'AWS_SHARED_CREDENTIALS_FILE points at a file with a static key, so an instance role would never be used',
    full:
      'An environment sets AWS_SHARED_CREDENTIALS_FILE to a credentials file whose selected profile holds a ' +
      'static access key. The SDKs use that key before they ever ask the instance metadata service.',
    defaultSeverity: 'high',
    helpText:
      'AWS_SHARED_CREDENTIALS_FILE points at static keys. Remove the variable and the file when the workload ' +
      'moves to its IAM role, then deactivate the key.' +
      `\n\n${HOST_REMEDIATION_TEXT}`,
    helpMarkdown:
      '`AWS_SHARED_CREDENTIALS_FILE` points at static keys. Remove the variable and the file when the workload ' +
      'moves to its IAM role, then deactivate the key.' +
      `\n\n${HOST_REMEDIATION_MARKDOWN}`,
  },
  'aws-ec2-metadata-disabled': {
    name: 'AwsEc2MetadataDisabled',
    short: 'AWS_EC2_METADATA_DISABLED=true: the SDKs cannot use an instance role',
    full:
      'An environment sets AWS_EC2_METADATA_DISABLED=true, which stops the AWS SDKs and CLI from calling the ' +
      'instance metadata service: an instance role\'s credentials are never fetched, so the workload keeps ' +
      'needing a static key.',
    defaultSeverity: 'high',
    helpText: 'Remove AWS_EC2_METADATA_DISABLED from the environment before moving the workload to an instance role.' +
      `\n\n${HOST_REMEDIATION_TEXT}`,
    helpMarkdown: 'Remove `AWS_EC2_METADATA_DISABLED` from the environment before moving the workload to an instance role.' +
      `\n\n${HOST_REMEDIATION_MARKDOWN}`,
  },
};

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
};

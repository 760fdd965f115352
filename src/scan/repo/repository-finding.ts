// A detection in a repository as a Finding: the shared credential finding (fingerprint over
// rule + key ID or secret fingerprint + path, never the line or commit, so baselines survive
// edits; the account decoded from the key ID) at a repository location.
import { findingFingerprint } from '../../detect/index.js';
import type { DetectedCredential } from '../../detect/types.js';
import type { Finding } from '../../model/finding.js';
import type { GitProvenance } from '../../model/location.js';
import { credentialFinding, credentialSubject } from '../credential-finding.js';

export function fingerprintOf(path: string, detection: DetectedCredential): string {
  return findingFingerprint(detection.rule, credentialSubject(detection), path);
}

export interface RepositoryPlace {
  root: string;
  path: string;
  line: number;
  column: number;
  inWorkingTree: boolean;
  git: GitProvenance | undefined;
}

export function repositoryFinding(detection: DetectedCredential, place: RepositoryPlace): Finding {
  const { root, path, line, column, inWorkingTree, git } = place;
  return credentialFinding(detection, path, { type: 'repository', root, path, line, column, inWorkingTree, ...(git && { git }) });
}

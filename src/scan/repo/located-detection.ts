// A detection placed in a repository: the path it was found at (relative to the root, with
// forward slashes) and, for history, where it came from. scan-repo turns these into Findings.
import type { DetectedCredential } from '../../detect/types.js';
import type { GitProvenance } from '../../model/location.js';
import { credentialSubject } from '../credential-finding.js';

export interface LocatedDetection {
  path: string;
  detection: DetectedCredential;
  git?: GitProvenance;
}


/** One credential at one path, as a map key. */
export function credentialAtPath(path: string, detection: DetectedCredential): string {
  return `${detection.rule}\0${credentialSubject(detection)}\0${path}`;
}

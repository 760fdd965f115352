// The detectors: pure functions from text to credentials, and what can be derived from a
// key ID without calling AWS. Secrets never leave this directory; only fingerprints do.
export type { DetectedCredential } from './types.js';
export { detectCredentials, DEFAULT_PROXIMITY_LINES, ALLOW_MARKER, type DetectOptions } from './detect-credentials.js';
export { mightContainCredential } from './prefilter.js';
export { findKeyIds, keyKindOf, isDocumentationExampleKeyId, KEY_ID_PREFIXES, type KeyIdMatch } from './key-id.js';
export { findSecretCandidates, isDocumentationExampleSecret, type SecretCandidate, type TextRange } from './secret.js';
export { isAssignedToSecretName, findSecretWords, SECRET_WORDS } from './secret-name.js';
export {
  shannonEntropy,
  classChanges,
  wordLetters,
  looksRandomEnough,
  NAMED_MIN_ENTROPY,
  NEARBY_MIN_ENTROPY,
  NEARBY_MIN_CLASS_CHANGES,
  NEARBY_MAX_WORD_LETTERS,
  type SecretEvidence,
} from './entropy.js';
export { decodeAccountId } from './account.js';
export { secretFingerprint, findingFingerprint } from './fingerprint.js';
export { LineIndex } from './line-index.js';

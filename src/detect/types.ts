// What the detectors report about one text. Detectors are pure: text in, credentials out.
// The secret itself never leaves src/detect: only its fingerprint does.
import type { KeyKind, RuleId, Severity } from '../model/finding.js';

export interface DetectedCredential {
  rule: RuleId;
  severity: Severity;
  /** the key ID (AKIA…, ASIA…), when the rule involves one */
  keyId?: string;
  keyKind?: KeyKind;
  /** sha256: + first 12 hex of the secret's SHA-256, when the rule involves a secret */
  secretFingerprint?: string;
  /** 1-based line and column of the key ID, or of the secret when there is no key ID */
  line: number;
  column: number;
  /** an inline `keyshift:allow` comment on the finding's line suppresses it */
  allowed: boolean;
}

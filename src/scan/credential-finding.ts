// A detection as a Finding, for every scanner: the fields filled the same way everywhere
// (rule, severity, key ID with the account decoded from it, key kind, secret fingerprint)
// and the stable fingerprint over rule, subject and a path that names the place without
// what moves (lines, process IDs), so baselines survive edits and restarts.
import { decodeAccountId, findingFingerprint } from '../detect/index.js';
import type { Finding, KeyKind, RuleId, Severity } from '../model/finding.js';
import type { Location } from '../model/location.js';

/** What a finding says about the credential itself; a DetectedCredential is one. */
export interface CredentialFacts {
  rule: RuleId;
  severity: Severity;
  keyId?: string | undefined;
  keyKind?: KeyKind | undefined;
  /** sha256: + 12 hex; the secret itself never reaches a finding */
  secretFingerprint?: string | undefined;
}

/** What a finding is about: the key ID, else the secret's fingerprint. */
export function credentialSubject(facts: CredentialFacts): string {
  return facts.keyId ?? facts.secretFingerprint ?? '';
}

/**
 * The finding for a credential at a location. `path` names the place for the fingerprint;
 * `subject` defaults to the key ID or secret fingerprint and must be given for findings about
 * neither (a setting such as AWS_EC2_METADATA_DISABLED).
 */
export function credentialFinding(facts: CredentialFacts, path: string, location: Location, subject = credentialSubject(facts)): Finding {
  return {
    fingerprint: findingFingerprint(facts.rule, subject, path),
    rule: facts.rule,
    severity: facts.severity,
    ...(facts.keyId !== undefined && { keyId: facts.keyId, account: decodeAccountId(facts.keyId) }),
    ...(facts.keyKind !== undefined && { keyKind: facts.keyKind }),
    ...(facts.secretFingerprint !== undefined && { secretFingerprint: facts.secretFingerprint }),
    location,
  };
}

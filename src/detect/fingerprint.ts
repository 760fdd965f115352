// Fingerprints: how a secret is referred to outside src/detect, and a finding's stable ID.
import { createHash } from 'node:crypto';
import type { RuleId } from '../model/finding.js';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** `sha256:` + the first 12 hex digits of the secret's SHA-256 (DESIGN.md, Secrets). */
export function secretFingerprint(secret: string): string {
  return `sha256:${sha256Hex(secret).slice(0, 12)}`;
}

/**
 * A finding's stable ID: `ks1:` + 16 hex digits of SHA-256 over rule, subject and path.
 * The subject is the key ID, or the secret's fingerprint when there is no key ID. Line and
 * commit are deliberately left out, so baselines survive edits that move lines.
 */
export function findingFingerprint(rule: RuleId, subject: string, path: string): string {
  return `ks1:${sha256Hex(`${rule}\0${subject}\0${path}`).slice(0, 16)}`;
}

// How one finding reads as short text in a report cell: shared by the Markdown report and
// the CLI's table so both say the same thing. A secret appears only as its fingerprint.
import type { Finding } from '../model/finding.js';
import type { Location } from '../model/location.js';
import { describeLocation } from '../model/location.js';

/** Shown where a value does not apply (no key ID, no git history). */
export const NOT_APPLICABLE = '-';

/** The key ID; for a pair, the key ID and the secret's fingerprint; for a lone secret, its fingerprint. */
export function keyLabel(finding: Finding): string {
  const secret = finding.secretFingerprint ? `secret ${finding.secretFingerprint}` : undefined;
  if (finding.keyId && secret) return `${finding.keyId} + ${secret}`;
  return finding.keyId ?? secret ?? NOT_APPLICABLE;
}

/** The AWS account the key belongs to, or why it is not known. */
export function accountLabel(finding: Finding): string {
  const account = finding.account;
  if (!account) return NOT_APPLICABLE;
  if (account.source === 'not-decodable' || account.id === null) return 'not decodable';
  return account.source === 'resolved' ? `${account.id} (resolved)` : account.id;
}

/** The commit that introduced the credential (short SHA and author date), or "working tree". */
export function commitLabel(location: Location): string {
  if (location.type !== 'repository') return NOT_APPLICABLE;
  if (location.git) return `${shortSha(location.git.commit)} ${location.git.authorDate.slice(0, 10)}`;
  return location.inWorkingTree ? 'working tree' : NOT_APPLICABLE;
}

/** Whether HEAD still holds the credential; only known for findings from git history. */
export function atHeadLabel(location: Location): string {
  if (location.type !== 'repository' || !location.git) return NOT_APPLICABLE;
  return location.git.atHead ? 'yes' : 'no';
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * Control characters from scanned names (a newline, a terminal escape sequence, a bidi
 * override in a file name) shown as \xNN or \uNNNN, so they can neither break a layout,
 * drive the terminal, nor make text read differently from what it is.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The cells of one finding's row, in the order of FINDING_TABLE_COLUMNS (before escaping). */
export function findingRowCells(f: Finding): string[] {
  return [f.severity, f.rule, keyLabel(f), accountLabel(f), describeLocation(f.location), commitLabel(f.location), atHeadLabel(f.location)];
}

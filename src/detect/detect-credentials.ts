// The detector: key IDs and secrets in a text, paired into credentials. Pure: text in,
// credentials out; no I/O, no clock, and no secret in the output (only its fingerprint).
import type { KeyKind, Severity } from '../model/finding.js';
import { findKeyIds, type KeyIdMatch } from './key-id.js';
import { LineIndex } from './line-index.js';
import { findSecretCandidates, type SecretCandidate } from './secret.js';
import { findSecretWords } from './secret-name.js';
import type { DetectedCredential } from './types.js';

export interface DetectOptions {
  /**
   * How many lines apart a key ID and a secret may be and still make one credential, and
   * how close an unnamed 40-character string must be to a key ID to be taken for a secret.
   * 0 means the same line only.
   */
  proximityLines?: number;
}

export const DEFAULT_PROXIMITY_LINES = 5;

/** The inline comment that suppresses a finding on its line. */
export const ALLOW_MARKER = 'keyshift:allow';

interface LocatedKeyId extends KeyIdMatch {
  line: number;
  column: number;
}

interface LocatedSecret extends SecretCandidate {
  line: number;
  column: number;
}

// Long-term keys never expire on their own: they are the most urgent to find.
const isLongLived = (kind: KeyKind): boolean => kind === 'long-term' || kind === 'legacy';
const pairSeverity = (kind: KeyKind): Severity => (isLongLived(kind) ? 'critical' : 'high');
const keyIdSeverity = (kind: KeyKind): Severity => (isLongLived(kind) ? 'high' : 'medium');

/** The first index in a sorted array at which `isPast` holds (array length if none): a binary search. */
function firstIndexWhere<T>(sorted: readonly T[], isPast: (item: T) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isPast(sorted[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Every credential in the text, ordered by line and column. */
export function detectCredentials(text: string, options: DetectOptions = {}): DetectedCredential[] {
  const proximity = options.proximityLines ?? DEFAULT_PROXIMITY_LINES;
  if (!Number.isInteger(proximity) || proximity < 0) {
    throw new RangeError(`proximityLines must be a whole number of lines, 0 or more (got ${proximity})`);
  }

  const allKeyIds = findKeyIds(text, { includeDocumentationExamples: true });
  const keyIdMatches = allKeyIds.filter((k) => !k.documentationExample);
  const secretWords = findSecretWords(text);
  // No key ID and no secret-like name: nothing can be reported (the prefilter's argument too).
  if (keyIdMatches.length === 0 && secretWords.length === 0) return [];

  const lines = new LineIndex(text);
  const keyIds: LocatedKeyId[] = keyIdMatches.map((k) => ({ ...k, line: lines.lineOf(k.index), column: lines.columnOf(k.index) }));
  // Key IDs are in text order, hence in line order: the ones near a line are a binary search away.
  const keyIdsNear = (line: number): LocatedKeyId[] =>
    keyIds.slice(
      firstIndexWhere(keyIds, (k) => k.line >= line - proximity),
      firstIndexWhere(keyIds, (k) => k.line > line + proximity),
    );
  // A 40-character run can swallow a key ID (`AKIA…/2024…`); such a run is not a secret.
  const overlapsKeyId = (s: SecretCandidate): boolean => {
    const k = allKeyIds[firstIndexWhere(allKeyIds, (k) => k.index + k.keyId.length > s.index)];
    return k !== undefined && k.index < s.index + s.length;
  };

  // Secrets are looked for only where one could count: near a key ID, or on a line that
  // names a secret and the line after it (`value:` entries). The 40-character search is the
  // detector's slowest part, and most of a large text is neither.
  const regions = mergeLineRanges(
    [
      ...keyIds.map((k) => ({ from: k.line - proximity, to: k.line + proximity })),
      ...secretWords.map((offset) => lines.lineOf(offset)).map((line) => ({ from: line, to: line + 1 })),
    ],
    lines.count,
  );
  const secrets: LocatedSecret[] = [];
  for (const region of regions) {
    for (const s of findSecretCandidates(text, { start: lines.startOf(region.from), end: lines.endOf(region.to) })) {
      if (overlapsKeyId(s)) continue;
      const line = lines.lineOf(s.index);
      if (s.named || (s.randomEnoughNearKeyId && keyIdsNear(line).length > 0)) {
        secrets.push({ ...s, line, column: lines.columnOf(s.index) });
      }
    }
  }

  const secretOfKeyId = pairNearest(secrets, keyIdsNear);
  const paired = new Set(secretOfKeyId.values());
  const allowed = (line: number) => lines.textOf(line).includes(ALLOW_MARKER);
  const found: DetectedCredential[] = [];
  for (const k of keyIds) {
    const secret = secretOfKeyId.get(k);
    const common = { keyId: k.keyId, keyKind: k.kind, line: k.line, column: k.column };
    if (secret) {
      found.push({
        rule: 'aws-access-key-pair',
        severity: pairSeverity(k.kind),
        ...common,
        secretFingerprint: secret.fingerprint,
        allowed: allowed(k.line) || allowed(secret.line),
      });
    } else {
      found.push({ rule: 'aws-access-key-id', severity: keyIdSeverity(k.kind), ...common, allowed: allowed(k.line) });
    }
  }
  for (const s of secrets) {
    if (paired.has(s)) continue;
    found.push({
      rule: 'aws-secret-access-key',
      severity: 'high',
      secretFingerprint: s.fingerprint,
      line: s.line,
      column: s.column,
      allowed: allowed(s.line),
    });
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Sorted, non-overlapping line ranges covering the given ones, clipped to [1, lineCount]. */
function mergeLineRanges(ranges: { from: number; to: number }[], lineCount: number): { from: number; to: number }[] {
  const merged: { from: number; to: number }[] = [];
  for (const r of ranges.sort((a, b) => a.from - b.from)) {
    const from = Math.max(1, r.from);
    const to = Math.min(lineCount, r.to);
    const last = merged.at(-1);
    if (last && from <= last.to + 1) last.to = Math.max(last.to, to);
    else merged.push({ from, to });
  }
  return merged;
}

/**
 * Pairs key IDs with secrets, nearest first over the whole text: all same-line pairs (by
 * distance in columns), then pairs one line apart, and so on to the edge of the window. A
 * secret after its key ID wins a tie, as in every credentials file. Greedy over global
 * distance rather than key by key, so an earlier key cannot take a later key's same-line secret.
 */
function pairNearest(secrets: LocatedSecret[], keyIdsNear: (line: number) => LocatedKeyId[]): Map<LocatedKeyId, LocatedSecret> {
  const options: { keyId: LocatedKeyId; secret: LocatedSecret; lineGap: number; columnGap: number; before: number }[] = [];
  for (const secret of secrets) {
    for (const keyId of keyIdsNear(secret.line)) {
      const lineGap = Math.abs(secret.line - keyId.line);
      const columnGap = lineGap === 0 ? Math.abs(secret.column - keyId.column) : 0;
      options.push({ keyId, secret, lineGap, columnGap, before: secret.index < keyId.index ? 1 : 0 });
    }
  }
  options.sort(
    (a, b) =>
      a.lineGap - b.lineGap ||
      a.columnGap - b.columnGap ||
      a.before - b.before ||
      a.keyId.index - b.keyId.index ||
      a.secret.index - b.secret.index,
  );

  const secretOfKeyId = new Map<LocatedKeyId, LocatedSecret>();
  const taken = new Set<LocatedSecret>();
  for (const o of options) {
    if (secretOfKeyId.has(o.keyId) || taken.has(o.secret)) continue;
    secretOfKeyId.set(o.keyId, o.secret);
    taken.add(o.secret);
  }
  return secretOfKeyId;
}

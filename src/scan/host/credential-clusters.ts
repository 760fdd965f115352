// Credentials in values whose meaning a parser already knows: the key ID and secret of an AWS
// profile, of s3cmd's `access_key`/`secret_key`, of a passwd-s3fs line, or the variables of
// one environment. Rather than judge the values itself, this hands them to the shared
// detector (src/detect) as a canonical text, one `name=value` line each, with the values that
// belong together (a cluster) on adjacent lines and clusters far enough apart that the
// detector never pairs across them. The detector decides, as for `scan repo`, what is a key
// ID, what is a secret (its entropy rules, the documentation examples), what pairs, and how
// severe it is; and only a fingerprint of a secret comes back.
import { DEFAULT_PROXIMITY_LINES, detectCredentials } from '../../detect/index.js';
import type { DetectedCredential } from '../../detect/types.js';

/** A value under a name, and what the caller wants back with any credential found in it. */
export interface NamedValue<T> {
  /** the name the detector sees: a secret is recognised on its own only under a secret-like name */
  name: string;
  value: string;
  at: T;
}

export interface Sighting<T> {
  detection: DetectedCredential;
  /** the value holding the key ID, or the secret when there is no key ID */
  at: T;
}

/** Names under which the detector takes a value for what a format says it is. */
export const CANONICAL_KEY_ID_NAME = 'aws_access_key_id';
export const CANONICAL_SECRET_NAME = 'aws_secret_access_key';

const CLUSTER_GAP = '\n'.repeat(DEFAULT_PROXIMITY_LINES + 1);

/** Every credential in the clusters; a pair only ever joins values of one cluster. */
export function detectInClusters<T>(clusters: readonly (readonly NamedValue<T>[])[]): Sighting<T>[] {
  const lines: string[] = [];
  const atLine: (T | undefined)[] = [];
  for (const cluster of clusters) {
    if (cluster.length === 0) continue;
    if (lines.length > 0) {
      for (let i = 0; i < CLUSTER_GAP.length; i++) {
        lines.push('');
        atLine.push(undefined);
      }
    }
    for (const v of cluster) {
      // one line per value, whatever it holds, so lines map back to values
      lines.push(`${v.name.replace(/[\r\n]/g, ' ')}=${v.value.replace(/[\r\n]/g, ' ')}`);
      atLine.push(v.at);
    }
  }
  if (lines.length === 0) return [];
  const sightings: Sighting<T>[] = [];
  for (const detection of detectCredentials(lines.join('\n'))) {
    const at = atLine[detection.line - 1];
    if (at !== undefined) sightings.push({ detection, at });
  }
  return sightings;
}

// What a key ID's and a secret's variable names share: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, S3_ACCESS_KEY and S3_SECRET_KEY, -Daws.accessKeyId and -Daws.secretKey.
const KEY_ID_SUFFIXES = ['ACCESSKEYID', 'ACCESSKEY', 'KEYID'];
const SECRET_SUFFIXES = ['SECRETACCESSKEY', 'SECRETKEY', 'SECRET'];

function stem(name: string, suffixes: readonly string[]): string | undefined {
  const letters = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const suffix = suffixes.find((s) => letters.endsWith(s));
  return suffix === undefined ? undefined : letters.slice(0, -suffix.length);
}

/**
 * The credentials of one environment, where order says nothing (a process's environment, a
 * unit's Environment= lines and its EnvironmentFile): a key ID and a secret in different
 * variables pair when their names share a stem (AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY),
 * or when they are the only ones left unpaired.
 */
export function detectInEnvironment<T>(values: readonly NamedValue<T>[]): Sighting<T>[] {
  return detectInClusters(environmentClusters(values));
}

/** The clusters detectInEnvironment hands to the detector: the pairs it made, and every other value holding a credential alone. */
export function environmentClusters<T>(values: readonly NamedValue<T>[]): NamedValue<T>[][] {
  // First each value alone: which hold a key ID, a secret, or a whole pair.
  const found = new Map<NamedValue<T>, DetectedCredential[]>();
  for (const { detection, at: index } of detectInClusters(values.map((v, index) => [{ ...v, at: index }]))) {
    const value = values[index]!;
    found.set(value, [...(found.get(value) ?? []), detection]);
  }
  const onlyRule = (v: NamedValue<T>, rule: DetectedCredential['rule']) => {
    const d = found.get(v);
    return d !== undefined && d.length === 1 && d[0]!.rule === rule;
  };
  let keyIds = values.filter((v) => onlyRule(v, 'aws-access-key-id'));
  let secrets = values.filter((v) => onlyRule(v, 'aws-secret-access-key'));

  const pairs: NamedValue<T>[][] = [];
  for (const keyId of keyIds) {
    const keyStem = stem(keyId.name, KEY_ID_SUFFIXES);
    const secret = keyStem === undefined ? undefined : secrets.find((s) => stem(s.name, SECRET_SUFFIXES) === keyStem);
    if (!secret) continue;
    pairs.push([keyId, secret]);
    secrets = secrets.filter((s) => s !== secret);
  }
  keyIds = keyIds.filter((k) => !pairs.some(([paired]) => paired === k));
  if (keyIds.length === 1 && secrets.length === 1) pairs.push([keyIds[0]!, secrets[0]!]);

  const paired = new Set(pairs.flat());
  return [...pairs, ...values.filter((v) => !paired.has(v) && found.has(v)).map((v) => [v])];
}

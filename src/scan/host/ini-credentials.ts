// The key pair of each section of an INI file whose format names its fields: the AWS CLI's
// aws_access_key_id / aws_secret_access_key, s3cmd's access_key / secret_key, rclone's
// access_key_id / secret_access_key. Each section's two values form one cluster, handed to
// the shared detector under the canonical names, so a secret is recognised by the field the
// format puts it in rather than by a name the generic detector happens to know.
import type { Assignment } from './assignment.js';
import { CANONICAL_KEY_ID_NAME, CANONICAL_SECRET_NAME, type NamedValue } from './credential-clusters.js';
import type { FileReading } from './file-sightings.js';
import { iniEntry, sectionOfLine, type IniEntry, type IniSection } from './ini-file.js';

export interface KeyFields {
  keyId: string;
  secret: string;
}

export const AWS_KEY_FIELDS: KeyFields = { keyId: 'aws_access_key_id', secret: 'aws_secret_access_key' };
export const S3CMD_KEY_FIELDS: KeyFields = { keyId: 'access_key', secret: 'secret_key' };
export const RCLONE_KEY_FIELDS: KeyFields = { keyId: 'access_key_id', secret: 'secret_access_key' };

export function iniAssignment(entry: IniEntry, section: string | undefined, file: string): Assignment {
  return { variable: entry.key, value: entry.value, file, line: entry.line, column: entry.column, section };
}

/** How to read an INI file with named key fields: one cluster per section. */
export function iniReading(sections: readonly IniSection[], fields: KeyFields, file: string): FileReading {
  const clusters: NamedValue<Assignment>[][] = [];
  for (const section of sections) {
    const cluster: NamedValue<Assignment>[] = [];
    const keyId = iniEntry(section, fields.keyId);
    const secret = iniEntry(section, fields.secret);
    if (keyId) cluster.push({ name: CANONICAL_KEY_ID_NAME, value: keyId.value, at: iniAssignment(keyId, section.name, file) });
    if (secret) cluster.push({ name: CANONICAL_SECRET_NAME, value: secret.value, at: iniAssignment(secret, section.name, file) });
    clusters.push(cluster);
  }
  return {
    clusters,
    assignments: sections.flatMap((s) => s.entries.map((e) => iniAssignment(e, s.name, file))),
    sectionAt: (line) => sectionOfLine(sections, line),
  };
}

// s3fs's password files (/etc/passwd-s3fs, ~/.passwd-s3fs): one credential per line, as
// `ACCESS_KEY_ID:SECRET_ACCESS_KEY`, or `BUCKET:ACCESS_KEY_ID:SECRET_ACCESS_KEY` for one
// bucket. Nothing names the secret, so the format says it is one: each line is a cluster
// under the canonical names. The bucket, when given, is the finding's section.
import type { Assignment } from './assignment.js';
import { CANONICAL_KEY_ID_NAME, CANONICAL_SECRET_NAME, type NamedValue } from './credential-clusters.js';
import type { FileReading } from './file-sightings.js';

export function passwdS3fsReading(text: string, file: string): FileReading {
  const clusters: NamedValue<Assignment>[][] = [];
  const assignments: Assignment[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const fields = line.split(':');
    if (fields.length !== 2 && fields.length !== 3) return;
    const bucket = fields.length === 3 ? fields[0]!.trim() : undefined;
    const keyIdAt = fields.length === 3 ? fields[0]!.length + 1 : 0;
    const keyId = fields.at(-2)!;
    const secret = fields.at(-1)!;
    const place = { variable: '', file, line: index + 1, section: bucket };
    const keyIdAssignment = { ...place, value: keyId.trim(), column: keyIdAt + 1 };
    const secretAssignment = { ...place, value: secret.trim(), column: keyIdAt + keyId.length + 2 };
    assignments.push(keyIdAssignment, secretAssignment);
    clusters.push([
      { name: CANONICAL_KEY_ID_NAME, value: keyIdAssignment.value, at: keyIdAssignment },
      { name: CANONICAL_SECRET_NAME, value: secretAssignment.value, at: secretAssignment },
    ]);
  });
  return { clusters, assignments };
}

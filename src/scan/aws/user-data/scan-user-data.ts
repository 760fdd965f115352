// User data of an instance, a launch template version or a launch configuration: decoded,
// scanned with the same detectors as `scan repo`, and summarised as a UserDataStatus.
//
// Finding fingerprints use these paths (stable across edits that move lines, unique per
// place; the part index is the one decodeUserData gives):
//   instance                ec2:<region>:<instanceId>:user-data:<part>
//   launch template version ec2:<region>:<launchTemplateId>:v<version>:user-data:<part>
//   launch configuration    autoscaling:<region>:<name>:user-data:<part>
import { detectCredentials, mightContainCredential } from '../../../detect/index.js';
import type { Finding } from '../../../model/finding.js';
import type { Ec2Instance } from '../../../model/inventory.js';
import type { LaunchConfigurationLocation, LaunchTemplateLocation, UserDataLocation } from '../../../model/location.js';
import { credentialFinding } from '../../credential-finding.js';
import { decodeUserData, type UserDataPart } from './decode-user-data.js';

type PartFields = 'part' | 'contentType' | 'filename' | 'line';

/** Where user data came from: a Location without the part. */
export type UserDataSource =
  | Omit<UserDataLocation, PartFields>
  | Omit<LaunchTemplateLocation, PartFields>
  | Omit<LaunchConfigurationLocation, PartFields>;

export interface ScannedUserData {
  status: Ec2Instance['userData'];
  credentials: Finding[];
}

export function userDataFingerprintPath(source: UserDataSource, part: number): string {
  switch (source.type) {
    case 'user-data':
      return `ec2:${source.region}:${source.instanceId}:user-data:${part}`;
    case 'launch-template':
      return `ec2:${source.region}:${source.launchTemplateId}:v${source.version}:user-data:${part}`;
    case 'launch-configuration':
      return `autoscaling:${source.region}:${source.name}:user-data:${part}`;
  }
}

/**
 * @param raw user data as EC2 and Auto Scaling return it (base64), or undefined / '' when
 *   there is none
 */
export function scanUserData(raw: string | undefined, source: UserDataSource): ScannedUserData {
  if (raw === undefined || raw.trim() === '') return { status: { present: false, parts: 0 }, credentials: [] };
  const decoded = decodeUserData(raw);
  const credentials: Finding[] = [];
  const seen = new Set<string>();
  for (const part of decoded.parts) {
    for (const finding of partFindings(part, source)) {
      // one credential at one place is one finding, at its first line
      if (seen.has(finding.fingerprint)) continue;
      seen.add(finding.fingerprint);
      credentials.push(finding);
    }
  }
  const status: Ec2Instance['userData'] = { present: true, parts: decoded.parts.length, ...(decoded.problem !== undefined && { problem: decoded.problem }) };
  return { status, credentials };
}

function partFindings(part: UserDataPart, source: UserDataSource): Finding[] {
  if (!mightContainCredential(Buffer.from(part.text, 'utf8'))) return [];
  return detectCredentials(part.text)
    .filter((d) => !d.allowed)
    .map((d) =>
      credentialFinding(d, userDataFingerprintPath(source, part.index), {
        ...source,
        part: part.index,
        ...(part.contentType !== undefined && { contentType: part.contentType }),
        ...(part.filename !== undefined && { filename: part.filename }),
        line: d.line,
      }),
    );
}

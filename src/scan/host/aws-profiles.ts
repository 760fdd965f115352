// Profiles of the AWS shared config and credentials files. In ~/.aws/credentials every
// section is a profile; in ~/.aws/config only [default] and [profile NAME] are (sso-session,
// services and plugins sections are not).
import { iniEntry, type IniEntry, type IniSection } from './ini-file.js';

export type AwsFileKind = 'credentials' | 'config';

export interface AwsProfile {
  name: string;
  section: IniSection;
  /** the section as written: "default", "profile prod" */
  sectionName: string;
  credentialProcess: IniEntry | undefined;
  sourceProfile: IniEntry | undefined;
}

export function profileName(sectionName: string, kind: AwsFileKind): string | undefined {
  if (kind === 'credentials' || sectionName === 'default') return sectionName;
  const m = /^profile\s+(.+)$/.exec(sectionName);
  return m ? m[1]!.trim() : undefined;
}

export function awsProfiles(sections: readonly IniSection[], kind: AwsFileKind): AwsProfile[] {
  const profiles: AwsProfile[] = [];
  for (const section of sections) {
    if (section.name === undefined) continue;
    const name = profileName(section.name, kind);
    if (name === undefined) continue;
    profiles.push({
      name,
      section,
      sectionName: section.name,
      credentialProcess: iniEntry(section, 'credential_process'),
      sourceProfile: iniEntry(section, 'source_profile'),
    });
  }
  return profiles;
}

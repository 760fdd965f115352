// The AWS shared credentials and config files of the host: every user's ~/.aws/credentials
// and ~/.aws/config, and any file an environment names in AWS_SHARED_CREDENTIALS_FILE or
// AWS_CONFIG_FILE. Each file is read once; its static keys, credential_process and
// source_profile entries become findings; and its profiles stay known, so that the role
// blockers can tell whether AWS_PROFILE selects a static key.
import type { Finding } from '../../model/finding.js';
import { credentialSubject, type CredentialFacts } from '../credential-finding.js';
import { awsProfiles, type AwsFileKind } from './aws-profiles.js';
import { fileSightings } from './file-sightings.js';
import type { HostFindings } from './host-findings.js';
import { parseIni, type IniEntry } from './ini-file.js';
import { AWS_KEY_FIELDS, iniReading } from './ini-credentials.js';
import { normalise, type HostFile, type RootFs } from './root-fs.js';

interface LoadedProfile {
  name: string;
  sectionName: string;
  /** the profile's own key: a pair, or a key ID alone */
  staticKey: CredentialFacts | undefined;
  sourceProfile: IniEntry | undefined;
}

export interface LoadedAwsFile {
  file: HostFile;
  kind: AwsFileKind;
  profiles: Map<string, LoadedProfile>;
}

/** A static key some profile resolves to, and the profile that holds it. */
export interface ResolvedStaticKey {
  key: CredentialFacts;
  profile: string;
  file: string;
}

// Longer chains of source_profile are not seen in practice; the CLI itself stops at loops.
const MAX_SOURCE_PROFILE_DEPTH = 8;

export class AwsCredentialFiles {
  private readonly loaded = new Map<string, Promise<LoadedAwsFile | undefined>>();

  constructor(
    private readonly fs: RootFs,
    private readonly findings: HostFindings,
  ) {}

  /** A user's ~/.aws/credentials and ~/.aws/config, with their source_profile entries resolved. */
  async scanHome(home: string): Promise<void> {
    const credentials = await this.load(`${home}/.aws/credentials`, 'credentials');
    const config = await this.load(`${home}/.aws/config`, 'config');
    for (const loaded of [credentials, config]) {
      if (!loaded) continue;
      for (const profile of loaded.profiles.values()) {
        if (!profile.sourceProfile) continue;
        const source = resolveStaticKey(profile.sourceProfile.value, credentials, config);
        const facts: CredentialFacts = { rule: 'aws-source-profile', severity: source ? 'medium' : 'low', ...(source && keyFacts(source.key)) };
        const place = { section: profile.sectionName, variable: profile.sourceProfile.key, line: profile.sourceProfile.line };
        this.findings.inFile(loaded.file, formatOf(loaded.kind), facts, place, source ? credentialSubject(source.key) : `source_profile=${profile.sourceProfile.value}`);
      }
    }
  }

  /** A credentials or config file, read and reported once however often it is asked for. */
  load(path: string, kind: AwsFileKind): Promise<LoadedAwsFile | undefined> {
    const key = `${kind}\0${normalise(path)}`;
    let loading = this.loaded.get(key);
    if (!loading) this.loaded.set(key, (loading = this.read(path, kind)));
    return loading;
  }

  private async read(path: string, kind: AwsFileKind): Promise<LoadedAwsFile | undefined> {
    const file = await this.fs.readText(path);
    if (!file) return undefined;
    const sections = parseIni(file.text);
    const sightings = fileSightings(file.text, iniReading(sections, AWS_KEY_FIELDS, file.path));
    const report = this.findings.claimFile(file);
    const format = formatOf(kind);
    if (report) for (const s of sightings) this.findings.inFile(file, format, s.detection, s);

    const profiles = new Map<string, LoadedProfile>();
    for (const profile of awsProfiles(sections, kind)) {
      const own = sightings.find(
        (s) => s.section === profile.sectionName && s.variable?.toLowerCase() === AWS_KEY_FIELDS.keyId && s.detection.keyId !== undefined,
      );
      profiles.set(profile.name, {
        name: profile.name,
        sectionName: profile.sectionName,
        staticKey: own?.detection,
        sourceProfile: profile.sourceProfile,
      });
      if (report && profile.credentialProcess) {
        // The command itself is not shown: it may carry a key, which the raw-text pass reports.
        const place = { section: profile.sectionName, variable: profile.credentialProcess.key, line: profile.credentialProcess.line };
        this.findings.inFile(file, format, { rule: 'aws-credential-process', severity: 'medium' }, place, 'credential_process');
      }
    }
    return { file, kind, profiles };
  }
}

/**
 * The static key a profile ends up using: its own, or its source_profile's, following the
 * chain. A profile in the credentials file wins over the same profile in the config file.
 */
export function resolveStaticKey(
  profile: string,
  credentials: LoadedAwsFile | undefined,
  config: LoadedAwsFile | undefined,
): ResolvedStaticKey | undefined {
  const visited = new Set<string>();
  let name: string | undefined = profile;
  while (name !== undefined && !visited.has(name) && visited.size < MAX_SOURCE_PROFILE_DEPTH) {
    visited.add(name);
    const inCredentials: LoadedProfile | undefined = credentials?.profiles.get(name);
    const inConfig: LoadedProfile | undefined = config?.profiles.get(name);
    for (const [found, loaded] of [[inCredentials, credentials], [inConfig, config]] as const) {
      if (found?.staticKey && loaded) return { key: found.staticKey, profile: name, file: loaded.file.path };
    }
    name = (inCredentials?.sourceProfile ?? inConfig?.sourceProfile)?.value;
  }
  return undefined;
}

/** Only what identifies a key, for findings about something that points at it. */
export function keyFacts(key: CredentialFacts): Pick<Finding, 'keyId' | 'keyKind' | 'secretFingerprint'> {
  return {
    ...(key.keyId !== undefined && { keyId: key.keyId }),
    ...(key.keyKind !== undefined && { keyKind: key.keyKind }),
    ...(key.secretFingerprint !== undefined && { secretFingerprint: key.secretFingerprint }),
  };
}

function formatOf(kind: AwsFileKind): 'aws-credentials' | 'aws-config' {
  return kind === 'credentials' ? 'aws-credentials' : 'aws-config';
}

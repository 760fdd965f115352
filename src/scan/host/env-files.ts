// Environment files, read once however many sources name them (/etc/default/foo may be both
// scanned on its own and a unit's EnvironmentFile): their credentials are reported as the
// file's, once; each unit or service that loads one reports its own findings on top.
import type { Assignment } from './assignment.js';
import { parseEnvFile } from './env-file.js';
import { environmentReading, fileSightings } from './file-sightings.js';
import type { HostFindings } from './host-findings.js';
import { normalise, type HostFile, type RootFs } from './root-fs.js';

export interface EnvFile {
  file: HostFile;
  assignments: Assignment[];
}

export class EnvFiles {
  private readonly read = new Map<string, Promise<EnvFile | undefined>>();

  constructor(
    private readonly fs: RootFs,
    private readonly findings: HostFindings,
  ) {}

  load(path: string): Promise<EnvFile | undefined> {
    const key = normalise(path);
    let loading = this.read.get(key);
    if (!loading) this.read.set(key, (loading = this.readAndReport(key)));
    return loading;
  }

  private async readAndReport(path: string): Promise<EnvFile | undefined> {
    const file = await this.fs.readText(path);
    if (!file) return undefined;
    const assignments = parseEnvFile(file.text, file.path);
    if (this.findings.claimFile(file)) {
      for (const s of fileSightings(file.text, environmentReading(assignments))) this.findings.inFile(file, 'env', s.detection, s);
    }
    return { file, assignments };
  }
}

// systemd units: every unit file and drop-in under the unit directories is a file that may
// hold a key (its Environment= lines); and every unit's environment, as systemd builds it
// from the unit file, its drop-ins and its EnvironmentFile=s, is a service environment with
// credentials and role blockers of its own, found under the defining file.
//
// A unit name is taken from the first directory that has it (/etc before /run before the
// vendor directories), a unit linked to /dev/null is masked, and drop-ins (<unit>.d/*.conf)
// apply in file-name order, a name in an earlier directory hiding the same name in a later
// one. An empty Environment= or EnvironmentFile= resets the list, as in systemd; variables
// from EnvironmentFile= override those from Environment=.
import { throwIfAborted } from '../../errors.js';
import type { Assignment } from './assignment.js';
import { effectiveAssignments } from './assignment.js';
import { asNamedValue, environmentReading, fileSightings } from './file-sightings.js';
import { detectInEnvironment } from './credential-clusters.js';
import { homesOf, type HostScanContext } from './host-scan-context.js';
import { findRoleBlockers } from './role-blockers.js';
import { environmentAssignments, environmentFilePath, parseUnitFile, type UnitDirective } from './systemd-unit-file.js';

export const UNIT_DIRECTORIES = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
] as const;

// The unit types whose [Service]-like sections run processes with an environment.
const UNIT_NAME = /\.(?:service|socket|mount|swap)$/;
const EXEC_SECTIONS = new Set(['Service', 'Socket', 'Mount', 'Swap']);

interface UnitSources {
  name: string;
  main: string;
  /** drop-in paths in the order systemd applies them */
  dropIns: string[];
}

interface EnvironmentFileRef {
  path: string;
  optional: boolean;
}

export async function scanSystemdUnits(context: HostScanContext): Promise<void> {
  const { units, files } = await discoverUnits(context);
  // Every unit file is read and its keys reported, masked and overridden ones too: a key
  // on disk is a key, whether or not systemd uses the file.
  const read = new Map<string, UnitFileContent | undefined>();
  for (const path of files) {
    throwIfAborted(context.signal);
    read.set(path, await readUnitFile(context, path));
  }
  for (const unit of units) {
    throwIfAborted(context.signal);
    await scanUnitEnvironment(context, unit, read);
  }
}

interface UnitFileContent {
  path: string;
  directives: UnitDirective[];
}

async function readUnitFile(context: HostScanContext, path: string): Promise<UnitFileContent | undefined> {
  const file = await context.fs.readText(path);
  if (!file) return undefined;
  const directives = parseUnitFile(file.text).filter((d) => EXEC_SECTIONS.has(d.section));
  if (context.findings.claimFile(file)) {
    const assignments = directives.filter((d) => d.key === 'Environment').flatMap((d) => environmentAssignments(d, file.path));
    for (const s of fileSightings(file.text, environmentReading(assignments, sectionAt(directives)))) {
      context.findings.inFile(file, 'systemd', s.detection, s);
    }
  }
  return { path: file.path, directives };
}

/** Unit files and drop-ins in every directory (each once), and the units systemd would run, in name order. */
async function discoverUnits(context: HostScanContext): Promise<{ units: UnitSources[]; files: string[] }> {
  const files: string[] = [];
  const mains = new Map<string, string | null>(); // null: masked
  const dropIns = new Map<string, Map<string, string>>();
  const seenDirectories = new Set<string>();
  for (const directory of UNIT_DIRECTORIES) {
    // /lib is often a link to /usr/lib: the same directory is read once
    const resolved = await context.fs.resolve(directory);
    if (resolved.kind !== 'found' || seenDirectories.has(resolved.hostPath)) continue;
    seenDirectories.add(resolved.hostPath);
    for (const entry of await context.fs.list(directory)) {
      const path = `${directory}/${entry.name}`;
      if (entry.kind === 'directory' && entry.name.endsWith('.d') && UNIT_NAME.test(entry.name.slice(0, -2))) {
        const unit = entry.name.slice(0, -2);
        const known = dropIns.get(unit) ?? new Map<string, string>();
        for (const dropIn of await context.fs.list(path)) {
          if (!dropIn.name.endsWith('.conf') || dropIn.kind === 'directory') continue;
          files.push(`${path}/${dropIn.name}`);
          if (!known.has(dropIn.name)) known.set(dropIn.name, `${path}/${dropIn.name}`);
        }
        dropIns.set(unit, known);
      } else if (entry.kind !== 'directory' && UNIT_NAME.test(entry.name)) {
        const target = await context.fs.resolve(path);
        const masked = target.kind === 'found' && target.hostPath === '/dev/null';
        if (!masked) files.push(path);
        if (!mains.has(entry.name)) mains.set(entry.name, masked ? null : path);
      }
    }
  }
  const units: UnitSources[] = [];
  for (const [name, main] of [...mains].sort(([a], [b]) => compareStrings(a, b))) {
    if (main === null) continue;
    const ordered = [...(dropIns.get(name) ?? new Map<string, string>())].sort(([a], [b]) => compareStrings(a, b));
    units.push({ name, main, dropIns: ordered.map(([, path]) => path) });
  }
  return { units, files };
}

async function scanUnitEnvironment(context: HostScanContext, unit: UnitSources, read: ReadonlyMap<string, UnitFileContent | undefined>): Promise<void> {
  let environment: Assignment[] = [];
  let environmentFiles: EnvironmentFileRef[] = [];
  let user: string | undefined;
  for (const path of [unit.main, ...unit.dropIns]) {
    const content = read.get(path);
    if (!content) continue;
    for (const d of content.directives) {
      if (d.key === 'Environment') environment = d.value === '' ? [] : [...environment, ...environmentAssignments(d, content.path)];
      else if (d.key === 'EnvironmentFile') environmentFiles = d.value === '' ? [] : [...environmentFiles, environmentFilePath(d.value)];
      else if (d.key === 'User') user = d.value;
    }
  }

  const fromFiles: Assignment[] = [];
  for (const ref of environmentFiles) {
    // Specifiers (%h, %i) depend on the running instance; such paths cannot be placed.
    if (ref.path.includes('%') || !ref.path.startsWith('/')) continue;
    const env = await context.envFiles.load(ref.path);
    if (env) fromFiles.push(...env.assignments);
  }
  const effective = effectiveAssignments([...environment, ...fromFiles]);
  for (const { detection, at } of detectInEnvironment(effective.map(asNamedValue))) {
    context.findings.inService('systemd', unit.name, at.file, at.variable, detection);
  }
  for (const blocker of await findRoleBlockers(effective, homesOf(context, user ?? 'root'), context.awsFiles)) {
    context.findings.inService('systemd', unit.name, blocker.assignment.file, blocker.assignment.variable, blocker.facts, blocker.subject);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sectionAt(directives: readonly UnitDirective[]): (line: number) => string | undefined {
  return (line) => directives.find((d) => d.line === line)?.section;
}

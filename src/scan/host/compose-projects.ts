// docker-compose projects and .env files in the application directories. A compose file's
// literal values are the file's credentials; each service's environment, as compose builds
// it (env_file: first, then environment:, whose ${VAR} and pass-through entries take their
// values from the project's .env), is a service environment with credentials and role
// blockers of its own. A value taken whole from .env is reported under .env, the file to
// edit; one built from several parts, under the compose file.
import { posix } from 'node:path';
import { throwIfAborted } from '../../errors.js';
import { effectiveAssignments, type Assignment } from './assignment.js';
import { walkAppDirs } from './app-dirs.js';
import { ComposeSyntaxError, parseComposeFile, type ComposeService } from './compose-file.js';
import { detectInEnvironment } from './credential-clusters.js';
import { asNamedValue, environmentReading, fileSightings } from './file-sightings.js';
import type { HostScanContext } from './host-scan-context.js';
import { findRoleBlockers } from './role-blockers.js';
import { scanStandaloneEnvFile } from './standalone-env.js';

const COMPOSE_FILE = /^(?:docker-)?compose(?:\.[\w-]+)*\.ya?ml$/;
const ENV_FILE = /^\.env(?:\..+)?$|.\.env$/;

export async function scanAppDirs(context: HostScanContext, dirs: readonly string[]): Promise<void> {
  const composeFiles: string[] = [];
  for await (const path of walkAppDirs(context.fs, dirs, context.signal)) {
    const name = posix.basename(path);
    if (COMPOSE_FILE.test(name)) composeFiles.push(path);
    else if (ENV_FILE.test(name)) await scanStandaloneEnvFile(context, path);
  }
  for (const path of composeFiles) {
    throwIfAborted(context.signal);
    await scanComposeFile(context, path);
  }
}

export async function scanComposeFile(context: HostScanContext, path: string): Promise<void> {
  const file = await context.fs.readText(path);
  if (!file) return;
  let services: ComposeService[] = [];
  try {
    services = parseComposeFile(file.text, file.path);
  } catch (e) {
    if (!(e instanceof ComposeSyntaxError)) throw e;
    context.host.notify({
      type: 'warning',
      code: 'compose-unparsed',
      message: `${file.path}: ${e.message}; its services are not known, its text is still scanned for keys`,
    });
  }
  if (context.findings.claimFile(file)) {
    const literal = services.flatMap((s) => s.environment.filter((a) => !a.passThrough));
    for (const s of fileSightings(file.text, environmentReading(literal, serviceAt(services)))) {
      context.findings.inFile(file, 'compose', s.detection, s);
    }
  }

  const projectDir = posix.dirname(file.path);
  const dotEnv = new Map((await context.envFiles.load(`${projectDir}/.env`))?.assignments.map((a) => [a.variable, a]) ?? []);
  for (const service of services) {
    const environment: Assignment[] = [];
    for (const envFile of service.envFiles) {
      const env = await context.envFiles.load(posix.resolve(projectDir, envFile.path));
      if (env) environment.push(...env.assignments);
    }
    for (const entry of service.environment) {
      const resolved = interpolate(entry, dotEnv);
      if (resolved) environment.push(resolved);
    }
    const effective = effectiveAssignments(environment);
    for (const { detection, at } of detectInEnvironment(effective.map(asNamedValue))) {
      context.findings.inService('compose', service.name, at.file, at.variable, detection);
    }
    for (const blocker of await findRoleBlockers(effective, context.homes, context.awsFiles)) {
      context.findings.inService('compose', service.name, blocker.assignment.file, blocker.assignment.variable, blocker.facts, blocker.subject);
    }
  }
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** An environment entry with compose's interpolation applied; undefined when it passes through an unset variable. */
function interpolate(entry: ComposeService['environment'][number], dotEnv: ReadonlyMap<string, Assignment>): Assignment | undefined {
  const { passThrough, ...assignment } = entry;
  if (passThrough) {
    const from = dotEnv.get(entry.variable);
    return from && { ...from, variable: entry.variable, section: entry.section };
  }
  const whole = new RegExp(`^(?:${REFERENCE.source})$`).exec(entry.value);
  const wholeName = whole?.[1] ?? whole?.[4];
  const wholeFrom = wholeName === undefined ? undefined : dotEnv.get(wholeName);
  if (wholeFrom) return { ...wholeFrom, variable: entry.variable, section: entry.section };
  const value = entry.value.replace(REFERENCE, (match, braced?: string, operator?: string, fallback?: string, bare?: string) => {
    if (match === '$$') return '$';
    const set = dotEnv.get((braced ?? bare)!)?.value;
    const empty = set === undefined || (operator?.startsWith(':') === true && set === '');
    if (operator?.endsWith('-')) return empty ? (fallback ?? '') : set;
    if (operator?.endsWith('+')) return empty ? '' : (fallback ?? '');
    return set ?? '';
  });
  return { ...assignment, value };
}

/** The service a line of the compose file belongs to: the last one starting at or above it. */
function serviceAt(services: readonly ComposeService[]): (line: number) => string | undefined {
  const starts = [...services].sort((a, b) => a.line - b.line);
  return (line) => starts.findLast((s) => s.line <= line)?.name;
}

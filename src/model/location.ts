// Where a credential lives, in enough detail for a later stage to remove it. One model for
// every scanner and for the executor: repository files (working tree and history), files on
// a host, the environment of a process or of a service, a part of an instance's user data,
// and a version of a launch template or a launch configuration.
import { z } from 'zod';

const line = z.number().int().positive();
const column = z.number().int().positive();

export const GitProvenance = z.object({
  /** the blob that holds the credential at this path when it was first introduced */
  blob: z.string().regex(/^[0-9a-f]{40,64}$/),
  /** the commit that first introduced it: earliest in topological order, ties by commit date */
  commit: z.string().regex(/^[0-9a-f]{40,64}$/),
  authorDate: z.iso.datetime({ offset: true }),
  author: z.string().optional(),
  /** refs (branches, tags, remotes, stash) from which that commit is reachable */
  refs: z.array(z.string()),
  /** whether HEAD's version of the path still holds the credential */
  atHead: z.boolean(),
});
export type GitProvenance = z.infer<typeof GitProvenance>;

export const RepositoryLocation = z.object({
  type: z.literal('repository'),
  /** the scanned root, as given (absolute) */
  root: z.string(),
  /** path relative to the root, with forward slashes */
  path: z.string(),
  line,
  column,
  /** present in the working tree as scanned */
  inWorkingTree: z.boolean(),
  /** present when found in git history */
  git: GitProvenance.optional(),
});

export const HostFileFormat = z.enum(['aws-credentials', 'aws-config', 'ini', 'env', 'shell', 'json', 'yaml', 'systemd', 'compose', 'other']);

export const HostFileLocation = z.object({
  type: z.literal('host-file'),
  /** instance ID, hostname or the fixture root's name */
  host: z.string(),
  path: z.string(),
  format: HostFileFormat,
  /** profile or section, e.g. [default] of ~/.aws/credentials */
  section: z.string().optional(),
  /** the variable or key name that holds the value */
  variable: z.string().optional(),
  owner: z.string().optional(),
  /** octal file mode, e.g. "0600" */
  mode: z.string().regex(/^0[0-7]{3,4}$/).optional(),
  line: line.optional(),
});

export const ProcessEnvLocation = z.object({
  type: z.literal('process-env'),
  host: z.string(),
  pid: z.number().int().positive(),
  command: z.string().optional(),
  user: z.string().optional(),
  variable: z.string(),
});

export const ServiceEnvLocation = z.object({
  type: z.literal('service-env'),
  host: z.string(),
  manager: z.enum(['systemd', 'compose', 'docker']),
  /** the systemd unit, compose service or container name */
  unit: z.string(),
  /** the file that defines the environment (unit file, drop-in, EnvironmentFile, compose file) */
  file: z.string().optional(),
  variable: z.string(),
});

const userDataPart = {
  /** index of the part in a MIME multipart / cloud-init document; 0 for a single-part one */
  part: z.number().int().nonnegative(),
  contentType: z.string().optional(),
  filename: z.string().optional(),
  line: line.optional(),
};

export const UserDataLocation = z.object({
  type: z.literal('user-data'),
  instanceId: z.string(),
  region: z.string(),
  ...userDataPart,
});

export const LaunchTemplateLocation = z.object({
  type: z.literal('launch-template'),
  launchTemplateId: z.string(),
  launchTemplateName: z.string().optional(),
  version: z.number().int().positive(),
  region: z.string(),
  ...userDataPart,
});

export const LaunchConfigurationLocation = z.object({
  type: z.literal('launch-configuration'),
  name: z.string(),
  region: z.string(),
  ...userDataPart,
});

export const Location = z.discriminatedUnion('type', [
  RepositoryLocation,
  HostFileLocation,
  ProcessEnvLocation,
  ServiceEnvLocation,
  UserDataLocation,
  LaunchTemplateLocation,
  LaunchConfigurationLocation,
]);
export type Location = z.infer<typeof Location>;
export type RepositoryLocation = z.infer<typeof RepositoryLocation>;
export type HostFileLocation = z.infer<typeof HostFileLocation>;
export type ProcessEnvLocation = z.infer<typeof ProcessEnvLocation>;
export type ServiceEnvLocation = z.infer<typeof ServiceEnvLocation>;
export type UserDataLocation = z.infer<typeof UserDataLocation>;
export type LaunchTemplateLocation = z.infer<typeof LaunchTemplateLocation>;
export type LaunchConfigurationLocation = z.infer<typeof LaunchConfigurationLocation>;

/** A short human label for a location, used by reports. */
export function describeLocation(loc: Location): string {
  switch (loc.type) {
    case 'repository':
      return `${loc.path}:${loc.line}`;
    case 'host-file':
      return `${loc.host}:${loc.path}${loc.section ? ` [${loc.section}]` : ''}${loc.line ? `:${loc.line}` : ''}`;
    case 'process-env':
      return `${loc.host}: pid ${loc.pid}${loc.command ? ` (${loc.command})` : ''} env ${loc.variable}`;
    case 'service-env':
      return `${loc.host}: ${loc.manager} ${loc.unit} env ${loc.variable}`;
    case 'user-data':
      return `${loc.region}/${loc.instanceId} user data part ${loc.part}${loc.line ? `:${loc.line}` : ''}`;
    case 'launch-template':
      return `${loc.region}/${loc.launchTemplateId} v${loc.version} user data part ${loc.part}${loc.line ? `:${loc.line}` : ''}`;
    case 'launch-configuration':
      return `${loc.region}/${loc.name} user data part ${loc.part}${loc.line ? `:${loc.line}` : ''}`;
  }
}

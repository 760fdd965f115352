// The ops as the payload takes them: one op a line, its fields in a fixed order separated by
// tabs, `-` for a field with nothing to say (cutover.sh's header lists them). The same fields
// are the arguments of the commands a person runs when keyshift cannot reach the host.
//
// The payload answers more than CutoverOp (src/apply/host-executor.ts) names: two read-only
// ops (holds-key, backup-state: what check() and rollback read first), the compose file of a
// service to restart or check, and the profile a user's check resolves. They are typed here
// until the contract names them.
import type { HostFileLocation, ServiceEnvLocation } from '../../model/location.js';
import { badInput } from '../../errors.js';
import type { CutoverOp, CutoverOpResult } from '../host-executor.js';

type Manager = 'systemd' | 'compose' | 'docker';

/** Whether a file still holds a key: state holds, gone, or missing (no such file). */
export interface HoldsKeyOp {
  op: 'holds-key';
  path: string;
  accessKeyId: string;
}

/** Whether a backup exists and the file matches it: state none, same, differs, or missing-file. */
export interface BackupStateOp {
  op: 'backup-state';
  path: string;
  backupId: string;
}

type ContractCheckIdentity = Extract<CutoverOp, { op: 'check-identity' }>;
type ContractRestart = Extract<CutoverOp, { op: 'restart' }>;

/** check-identity, with the compose file of a service and the profile a user's check resolves */
export type CheckIdentityOp = Omit<ContractCheckIdentity, 'service'> & {
  service?: { manager: Manager; unit: string; file?: string | undefined };
  profile?: string | undefined;
};

/** restart, with the compose file of a compose service */
export type RestartOp = ContractRestart & { file?: string | undefined };

export type HostOp = Exclude<CutoverOp, ContractCheckIdentity | ContractRestart> | CheckIdentityOp | RestartOp | HoldsKeyOp | BackupStateOp;

export type HostOpState = 'holds' | 'gone' | 'missing' | 'none' | 'same' | 'differs' | 'missing-file';

export interface HostOpResult extends Omit<CutoverOpResult, 'op'> {
  op: HostOp['op'];
  /** what a read-only op found */
  state?: HostOpState;
}

/** The file a location's key is in, and the format the payload edits it as. */
export function cutoverFile(location: HostFileLocation | ServiceEnvLocation): { path: string; format: string } | undefined {
  if (location.type === 'host-file') return { path: location.path, format: location.format };
  if (!location.file) return undefined;
  return { path: location.file, format: serviceFileFormat(location.manager, location.file) };
}

// Unit files and drop-ins hold Environment= lines; anything else a service names is an
// environment file (EnvironmentFile=, env_file, .env, docker's --env-file).
const UNIT_FILE = /\.(?:service|socket|mount|swap|conf)$/;
const COMPOSE_FILE = /^(?:docker-)?compose(?:\.[\w-]+)*\.ya?ml$/;

function serviceFileFormat(manager: Manager, file: string): string {
  const name = file.split('/').at(-1) ?? file;
  if (manager === 'systemd' && UNIT_FILE.test(name)) return 'systemd';
  if (manager === 'compose' && COMPOSE_FILE.test(name)) return 'compose';
  return 'env';
}

/** The op's fields, in the payload's order. */
export function opFields(op: HostOp): string[] {
  switch (op.op) {
    case 'remove-credential': {
      const file = cutoverFile(op.location);
      if (!file) throw badInput(`the file that sets ${variableOf(op.location)} for ${describeService(op.location)} is not known: the key cannot be removed automatically`);
      return fields(op.op, file.path, file.format, op.accessKeyId, op.backupId);
    }
    case 'update-tool-config':
      return fields(op.op, op.location.path, op.tool, op.accessKeyId, op.backupId);
    case 'restart':
      return fields(op.op, op.manager, op.unit, op.file);
    case 'check-identity':
      return fields(op.op, op.expectRoleName, op.service?.manager, op.service?.unit, op.service?.file, op.user, op.profile);
    case 'restore':
    case 'delete-backup':
    case 'backup-state':
      return fields(op.op, op.path, op.backupId);
    case 'holds-key':
      return fields(op.op, op.path, op.accessKeyId);
  }
}

/** The op as one line of the payload's stdin. */
export function opLine(op: HostOp): string {
  return opFields(op).join('\t');
}

function fields(...values: (string | undefined)[]): string[] {
  return values.map((v) => {
    if (v === undefined || v === '') return '-';
    // a tab or a line break would split the op; the payload refuses a field it cannot place
    if (/[\t\r\n\0]/.test(v)) throw badInput(`a host op field holds a tab or a line break: ${JSON.stringify(v.slice(0, 80))}`);
    return v;
  });
}

function variableOf(location: HostFileLocation | ServiceEnvLocation): string {
  return location.variable ?? 'the key';
}

function describeService(location: HostFileLocation | ServiceEnvLocation): string {
  return location.type === 'service-env' ? `${location.manager} ${location.unit} on ${location.host}` : `${location.path} on ${location.host}`;
}

// How host steps reach a machine. Two executors carry out the same payload
// (src/apply/host/payload/cutover.sh): SSM Run Command with keyshift's own SSM document, and
// the local executor, which runs it against a root filesystem on this machine (the demo's and
// the tests' fixture roots). Without either, the executor only describes the commands a person
// runs, and the step pauses.
import type { HostFileLocation, ServiceEnvLocation } from '../model/location.js';

export interface HostTarget {
  /** the instance, when the host is an EC2 instance (SSM needs it) */
  instanceId: string | null;
  region: string | null;
  /** the host name as the findings name it */
  host: string;
}

export type CutoverOp =
  /** back the file up (root-only, never overwriting an earlier backup), then remove the key's lines */
  | { op: 'remove-credential'; location: HostFileLocation | ServiceEnvLocation; accessKeyId: string; backupId: string }
  /** clear a tool's own key and switch it to the instance role (s3cmd, rclone, boto) */
  | { op: 'update-tool-config'; location: HostFileLocation; accessKeyId: string; tool: string; backupId: string }
  | { op: 'restart'; manager: 'systemd' | 'compose' | 'docker'; unit: string }
  /**
   * Which identity the SDK chain resolves now, in the service's environment (or the user's,
   * for a file): env, shared files, then instance metadata. Ok when it is the role.
   */
  | { op: 'check-identity'; expectRoleName: string; service?: { manager: 'systemd' | 'compose' | 'docker'; unit: string }; user?: string }
  /** put a backed-up file back byte for byte (rollback, or a failed identity check) */
  | { op: 'restore'; path: string; backupId: string }
  /** remove a backup for good, overwriting it first (finalize, after the soak) */
  | { op: 'delete-backup'; path: string; backupId: string };

export interface CutoverOpResult {
  op: CutoverOp['op'];
  status: 'changed' | 'unchanged' | 'failed';
  message: string;
  /** where the backup is on the host (remove-credential, update-tool-config) */
  backupPath?: string;
  /** check-identity: what the chain resolved ("role:NAME", "static:AKIA...", "none") */
  identity?: string;
}

export interface HostExecutor {
  /** 'ssm', 'local' (a root filesystem on this machine), or 'none' (describe only) */
  readonly kind: 'ssm' | 'local' | 'none';
  /** Runs the ops in order on one host; stops at the first failure (later ops are not run). */
  run(target: HostTarget, ops: readonly CutoverOp[], signal: AbortSignal): Promise<CutoverOpResult[]>;
  /** The exact commands a person runs on the host for these ops (the no-SSM path). */
  describe(target: HostTarget, ops: readonly CutoverOp[]): string[];
}

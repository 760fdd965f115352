// The host backups finalize removes: copies of files that held a key, kept so rollback can put
// them back. One goes only once its key is gone for good (deleted by finalize): while the key
// exists, rollback may still need the file that held it. Without an executor that reaches the
// host (no SSM), the report carries the commands a person runs.
import { InterruptedError, isKeyshiftError } from '../../errors.js';
import type { CutoverOp, CutoverOpResult, HostTarget } from '../host-executor.js';
import type { JournalState } from '../journal-state.js';
import type { FinalizeInput, KeyReport } from './finalize-keys.js';
import { journalBackups } from './journal-deactivations.js';

export interface BackupReport {
  host: string | null;
  path: string | null;
  backupId: string | null;
  accessKeyId: string | null;
  action: 'deleted' | 'waiting' | 'kept' | 'manual';
  reason: string;
  until?: Date;
  /** manual: what to run on the host */
  commands?: string[];
}

export async function finalizeBackups(state: JournalState, keys: readonly KeyReport[], input: FinalizeInput): Promise<BackupReport[]> {
  const byKey = new Map(keys.map((k) => [k.accessKeyId, k]));
  const out: BackupReport[] = [];
  for (const b of journalBackups(state)) {
    if ('problem' in b) {
      out.push({ host: null, path: null, backupId: null, accessKeyId: null, action: 'kept', reason: `${b.problem}: remove that backup by hand` });
      continue;
    }
    const base = { host: b.host, path: b.path, backupId: b.backupId, accessKeyId: b.accessKeyId };
    if (b.deletedAt !== null) {
      out.push({ ...base, action: 'deleted', reason: `deleted by an earlier finalize (${b.deletedAt.toISOString()})` });
      continue;
    }
    if (b.restored !== null) {
      out.push({ ...base, action: 'kept', reason: `the file was put back: ${b.restored}` });
      continue;
    }
    const key = b.accessKeyId === null ? undefined : byKey.get(b.accessKeyId);
    if (key === undefined) {
      out.push({ ...base, action: 'kept', reason: `its key ${b.accessKeyId ?? '(not named)'} was not deactivated by this journal: rollback may still need the backup` });
      continue;
    }
    if (key.action === 'waiting') {
      out.push({ ...base, action: 'waiting', reason: `its key ${key.accessKeyId} is still in its soak`, ...(key.until ? { until: key.until } : {}) });
      continue;
    }
    if (key.action === 'kept') {
      out.push({ ...base, action: 'kept', reason: `its key ${key.accessKeyId} was kept: rollback may still need the backup` });
      continue;
    }
    const target: HostTarget = { instanceId: b.instanceId, region: b.region, host: b.host };
    const op: CutoverOp = { op: 'delete-backup', path: b.path, backupId: b.backupId };
    if (input.hosts.kind === 'none') {
      out.push({ ...base, action: 'manual', reason: `keyshift cannot reach ${b.host}: run the commands there`, commands: input.hosts.describe(target, [op]) });
      continue;
    }
    if (input.signal.aborted) throw new InterruptedError();
    let result: CutoverOpResult;
    try {
      result = await input.mutate(
        { api: 'host:delete-backup', region: b.region, target: `${b.host}:${b.path}`, args: { host: b.host, instanceId: b.instanceId, path: b.path, backupId: b.backupId, accessKeyId: b.accessKeyId, backupOf: b.seq, previous: null } },
        async () => {
          const [r] = await input.hosts.run(target, [op], input.signal);
          if (r === undefined || r.status === 'failed') throw new Error(r?.message ?? 'the host returned no result');
          return r;
        },
        (r) => ({ status: r.status }),
      );
    } catch (e) {
      if (e instanceof InterruptedError || input.signal.aborted) throw e instanceof InterruptedError ? e : new InterruptedError();
      out.push({ ...base, action: 'kept', reason: `deleting the backup failed: ${isKeyshiftError(e) ? e.message : (e as Error)?.message ?? String(e)}` });
      continue;
    }
    out.push({ ...base, action: 'deleted', reason: result.status === 'unchanged' ? 'already gone from the host' : `deleted (its key ${key.accessKeyId} is deleted)` });
  }
  return out;
}

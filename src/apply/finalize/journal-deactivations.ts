// What finalize may clean up, as the journal tells it: the keys apply deactivated (and whether a
// rollback switched them back on, or an earlier finalize already deleted them), and the backups
// the host steps made of files that held a key.
import type { JournalState } from '../journal-state.js';

type Call = JournalState['calls'][number];

export interface Deactivation {
  accessKeyId: string;
  userName: string | null;
  seq: number;
  runId: string;
  /** when the deactivation call returned */
  at: Date;
  /** why the key is active again according to the journal (a rollback), or null */
  reactivated: string | null;
  /** an earlier finalize's delete call of this key: ok, or sent without a recorded result (a crash) */
  deleteCall: { seq: number; at: Date; outcome: 'ok' | 'unknown' } | null;
}

export interface HostBackup {
  seq: number;
  api: string;
  host: string;
  instanceId: string | null;
  region: string | null;
  /** the file that was backed up (what a restore puts back) */
  path: string;
  backupId: string;
  accessKeyId: string | null;
  /** when the backup was made */
  at: Date;
  /** why the journal says the backup must stay (restored by rollback), or null */
  restored: string | null;
  /** an earlier finalize already deleted it */
  deletedAt: Date | null;
}

/** Host steps that leave a backup of a file holding a key. */
export const BACKUP_APIS = new Set(['host:remove-credential', 'host:update-tool-config']);

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function succeeded(call: Call): boolean {
  return call.result?.ok === true;
}

function resultAt(call: Call): Date {
  return new Date(call.resultRecord?.at ?? call.intent.at);
}

function keyOf(call: Call): string {
  return str(call.args.accessKeyId) ?? call.target;
}

/** Why a later call undid this one, or null. */
function undoneBy(state: JournalState, call: Call): string | null {
  const undo = state.calls.find((c) => c.intent.undoOf === call.seq && succeeded(c));
  if (undo !== undefined) return `rollback undid it (call ${undo.seq}, ${undo.api})`;
  if (state.undone.has(call.seq)) return 'rollback undid it';
  return null;
}

/** Every key the journal deactivated, its latest deactivation each. */
export function journalDeactivations(state: JournalState): Deactivation[] {
  const latest = new Map<string, Deactivation>();
  for (const call of state.calls) {
    if (call.api !== 'iam:UpdateAccessKey' || !succeeded(call)) continue;
    const accessKeyId = keyOf(call);
    const status = call.args.status;
    if (status === 'Inactive') {
      latest.set(accessKeyId, {
        accessKeyId,
        userName: str(call.args.userName),
        seq: call.seq,
        runId: call.intent.runId,
        at: resultAt(call),
        reactivated: undoneBy(state, call),
        deleteCall: null,
      });
    } else if (status === 'Active') {
      // switched back on later (a rollback, or a re-run that reactivated it)
      const d = latest.get(accessKeyId);
      if (d !== undefined && d.reactivated === null) d.reactivated = `reactivated by call ${call.seq}${call.intent.undoOf !== null ? ' (rollback)' : ''}`;
    }
  }
  for (const call of state.calls) {
    if (call.api !== 'iam:DeleteAccessKey' || call.result?.ok === false) continue;
    const d = latest.get(keyOf(call));
    if (d !== undefined && call.seq > d.seq) d.deleteCall = { seq: call.seq, at: resultAt(call), outcome: call.result ? 'ok' : 'unknown' };
  }
  return [...latest.values()].sort((a, b) => a.accessKeyId.localeCompare(b.accessKeyId));
}

/**
 * The backups the host steps made. The intent names the host (`host`, `instanceId`, the
 * region) and the file (`path`, or the location's `path` or `file`) and `backupId`; a record
 * that lacks them is returned as a string saying so.
 */
export function journalBackups(state: JournalState): (HostBackup | { seq: number; problem: string })[] {
  const out: (HostBackup | { seq: number; problem: string })[] = [];
  for (const call of state.calls) {
    if (!BACKUP_APIS.has(call.api) || !succeeded(call)) continue;
    const a = call.args;
    const location = (typeof a.location === 'object' && a.location !== null ? a.location : {}) as Record<string, unknown>;
    const host = str(a.host) ?? str(location.host);
    const path = str(a.path) ?? str(location.path) ?? str(location.file);
    const backupId = str(a.backupId) ?? str(call.result?.output.backupId);
    if (host === null || path === null || backupId === null) {
      out.push({ seq: call.seq, problem: `the journal's ${call.api} call ${call.seq} (${call.target}) does not name its host, file and backup` });
      continue;
    }
    const deleted = state.calls.find((c) => c.api === 'host:delete-backup' && succeeded(c) && c.args.backupId === backupId && c.args.host === host && c.args.path === path);
    out.push({
      seq: call.seq,
      api: call.api,
      host,
      instanceId: str(a.instanceId) ?? (/^i-[0-9a-f]+$/.test(host) ? host : null),
      region: call.region ?? str(a.region),
      path,
      backupId,
      accessKeyId: str(a.accessKeyId),
      at: resultAt(call),
      restored: undoneBy(state, call),
      deletedAt: deleted ? resultAt(deleted) : null,
    });
  }
  return out;
}

// `keyshift rollback`: undo, newest first, every call the journal records, each through the
// undoer of its API, which reads the live state first (so a rollback that crashes can simply
// be run again). Undo calls are journaled like apply's, with `undoOf`; each undone call gets an
// `undone` record, so nothing is undone twice. Deletion is limited to what carries the plan's
// tag (the undoers check it).
import type { AwsContext } from '../aws/aws-context.js';
import { badInput, InterruptedError, usageError } from '../errors.js';
import type { IoHost } from '../io/host.js';
import { JournalWriter, readJournal } from './journal-file.js';
import { JournalSession, type SessionHooks } from './journal-session.js';
import { foldJournal } from './journal-state.js';
import { callerIdentity } from './caller-identity.js';
import { RateLimiter } from './rate-limiter.js';
import type { UndoContext, Undoers } from './step-handler.js';
import { abortableSleep, type HostExecutorChoice } from './run-apply.js';

/** what finalize did cannot be undone: a deleted key is gone */
const FINAL_APIS = new Set(['iam:DeleteAccessKey', 'host:delete-backup']);

export interface RollbackJobOptions {
  journalPath: string;
  yes: boolean;
  interactive: boolean;
  aws: AwsContext;
  hosts: HostExecutorChoice;
  undoers: Undoers;
  host: IoHost;
  signal: AbortSignal;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  hooks?: SessionHooks;
}

export interface RollbackResult {
  outcome: 'done' | 'nothing' | 'failed' | 'interrupted' | 'declined';
  undone: { seq: number; api: string; target: string; message: string }[];
  failed: { seq: number; api: string; target: string; message: string } | null;
  /** finalize's deletions, which cannot be undone */
  irreversible: { seq: number; api: string; target: string }[];
  remaining: number;
}

export async function runRollback(o: RollbackJobOptions): Promise<RollbackResult> {
  const journal = await readJournal(o.journalPath);
  const state = foldJournal(journal.records);
  const me = await callerIdentity(o.aws);
  if (me.account !== journal.header.account) throw badInput(`${o.journalPath} is a journal of account ${journal.header.account}, but the credentials are for account ${me.account}`, 'run with credentials for the journal\'s account');
  const todo = state.calls.filter((c) => c.intent.undoOf === null && !state.undone.has(c.seq) && !FINAL_APIS.has(c.api)).reverse();
  const irreversible = state.calls.filter((c) => FINAL_APIS.has(c.api) && c.result?.ok).map((c) => ({ seq: c.seq, api: c.api, target: c.target }));
  const result: RollbackResult = { outcome: todo.length === 0 ? 'nothing' : 'done', undone: [], failed: null, irreversible, remaining: todo.length };
  if (todo.length === 0) return result;
  const missing = [...new Set(todo.map((c) => c.api).filter((api) => !o.undoers[api]))];
  if (missing.length > 0) throw badInput(`${o.journalPath} records calls this keyshift cannot undo: ${missing.join(', ')}`, 'use the keyshift version that wrote the journal');

  const summary = `roll back plan ${journal.header.planId} in account ${journal.header.account}: undo ${todo.length} call(s), newest first`;
  o.host.notify({ type: 'phase', phase: 'summary', message: summary });
  if (!o.yes) {
    if (!o.interactive) throw usageError('rollback changes the account: pass --yes to confirm when no one can answer a question');
    if (!(await o.host.confirm({ id: 'rollback', message: `${summary}. Go ahead?`, default: false }))) return { ...result, outcome: 'declined' };
  }

  const writer = await JournalWriter.open(o.journalPath);
  const session = new JournalSession(writer, state.nextSeq, o.now, o.signal, o.hooks);
  const sleep = o.sleep ?? abortableSleep(o.signal);
  const iamWrites = new RateLimiter(10, 10);
  const hosts = typeof o.hosts === 'function' ? o.hosts(session.mutator({ stepId: null, workload: null })) : o.hosts;
  try {
    await session.start('rollback', {}, { arn: me.arn, accessKeyId: me.accessKeyId });
    for (const call of todo) {
      if (o.signal.aborted) {
        result.outcome = 'interrupted';
        break;
      }
      const ctx: UndoContext = {
        plan: { planId: journal.header.planId, account: journal.header.account },
        aws: o.aws,
        hosts,
        iamWrites,
        now: o.now,
        sleep,
        signal: o.signal,
        mutate: session.mutator({ stepId: call.stepId, workload: call.intent.workload, undoOf: call.seq }),
      };
      o.host.notify({ type: 'step', step: `undo #${call.seq}`, status: 'started', message: `undo ${call.api} on ${call.target}` });
      try {
        const message = await o.undoers[call.api]!.undo(call, ctx);
        await session.undone(call.seq, message);
        result.undone.push({ seq: call.seq, api: call.api, target: call.target, message });
        result.remaining--;
        o.host.notify({ type: 'step', step: `undo #${call.seq}`, status: 'undone', message });
      } catch (e) {
        if (e instanceof InterruptedError || o.signal.aborted) {
          result.outcome = 'interrupted';
          break;
        }
        const message = `${(e as { name?: string }).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`;
        result.failed = { seq: call.seq, api: call.api, target: call.target, message };
        result.outcome = 'failed';
        o.host.notify({ type: 'step', step: `undo #${call.seq}`, status: 'failed', message });
        break;
      }
    }
    if (result.outcome === 'done') {
      // every step this journal finished is undone: a later apply --resume does it again
      for (const [id, r] of state.steps) {
        if (r.status === 'done' || r.status === 'already-done' || r.status === 'waiting' || r.status === 'paused') {
          await session.step({ stepId: id, workload: r.workload, stage: r.stage, status: 'undone', message: 'rolled back', output: {}, until: null });
        }
      }
    }
    await session.end('rollback', result.outcome, `${result.undone.length} call(s) undone, ${result.remaining} left`);
    return result;
  } finally {
    await writer.close();
  }
}

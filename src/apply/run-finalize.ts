// `keyshift finalize` as a job: its own run in the journal (never the run that deactivated),
// then the finalize engine deletes the keys whose soak has passed with no use, and their host
// backups. Deletion cannot be undone, so it asks like apply does.
import type { AwsContext } from '../aws/aws-context.js';
import { badInput, isKeyshiftError, usageError } from '../errors.js';
import type { IoHost } from '../io/host.js';
import { callerIdentity } from './caller-identity.js';
import { finalizeKeys, type FinalizeReport } from './finalize/finalize-keys.js';
import type { HostExecutorChoice } from './run-apply.js';
import { JournalWriter, readJournal } from './journal-file.js';
import { JournalSession } from './journal-session.js';
import { foldJournal } from './journal-state.js';
import { RateLimiter } from './rate-limiter.js';
import type { RoleEvidence } from './role-evidence.js';

export interface FinalizeJobOptions {
  journalPath: string;
  soakSeconds: number;
  yes: boolean;
  interactive: boolean;
  aws: AwsContext;
  hosts: HostExecutorChoice;
  evidence: RoleEvidence;
  host: IoHost;
  signal: AbortSignal;
  now: () => Date;
}

export type FinalizeResult = FinalizeReport & { outcome: 'done' | 'waiting' | 'kept' | 'nothing' | 'declined' };

export async function runFinalize(o: FinalizeJobOptions): Promise<FinalizeResult> {
  const journal = await readJournal(o.journalPath);
  const me = await callerIdentity(o.aws);
  if (me.account !== journal.header.account) throw badInput(`${o.journalPath} is a journal of account ${journal.header.account}, but the credentials are for account ${me.account}`);
  const state = foldJournal(journal.records);
  const deactivated = state.calls.filter((c) => c.api === 'iam:UpdateAccessKey' && c.intent.undoOf === null && c.result?.ok).length;
  if (deactivated === 0) return { keys: [], backups: [], outcome: 'nothing' };
  const summary = `finalize plan ${journal.header.planId}: delete the keys it deactivated at least ${Math.round(o.soakSeconds / 86_400)} day(s) ago and unused since, and their host backups (this cannot be undone)`;
  o.host.notify({ type: 'phase', phase: 'summary', message: summary });
  if (!o.yes) {
    if (!o.interactive) throw usageError('finalize deletes keys: pass --yes to confirm when no one can answer a question');
    if (!(await o.host.confirm({ id: 'finalize', message: `${summary}. Go ahead?`, default: false }))) return { keys: [], backups: [], outcome: 'declined' };
  }
  const writer = await JournalWriter.open(o.journalPath);
  const session = new JournalSession(writer, state.nextSeq, o.now, o.signal);
  try {
    await session.start('finalize', { soakSeconds: o.soakSeconds }, { arn: me.arn, accessKeyId: me.accessKeyId });
    const report = await finalizeKeys({
      records: journal.records,
      now: o.now,
      aws: o.aws,
      evidence: o.evidence,
      hosts: typeof o.hosts === 'function' ? o.hosts(session.mutator({ stepId: null, workload: null })) : o.hosts,
      mutate: session.mutator({ stepId: null, workload: null }),
      soakSeconds: o.soakSeconds,
      signal: o.signal,
      iamWrites: new RateLimiter(10, 10),
    }).catch(async (e: unknown) => {
      // a gate that held (or AWS refusing) ends this run too: without an end record, status
      // would show it as still going
      await session.end('finalize', endOutcomeOf(e), e instanceof Error ? e.message : String(e));
      throw e;
    });
    for (const k of report.keys) o.host.notify({ type: 'step', step: k.accessKeyId, status: k.action === 'deleted' ? 'done' : k.action === 'waiting' ? 'waiting' : 'blocked', message: k.reason, ...(k.until ? { until: k.until.toISOString() } : {}) });
    const outcome = report.keys.some((k) => k.action === 'kept') ? 'kept' : report.keys.some((k) => k.action === 'waiting') ? 'waiting' : 'done';
    await session.end('finalize', outcome, `${report.keys.filter((k) => k.action === 'deleted').length} key(s) deleted`);
    return { ...report, outcome };
  } finally {
    await writer.close();
  }
}

function endOutcomeOf(e: unknown): string {
  if (!isKeyshiftError(e)) return 'failed';
  return e.kind === 'safety-gate' ? 'blocked' : e.kind === 'aws-refused' ? 'denied' : e.kind === 'interrupted' ? 'interrupted' : 'failed';
}

/** "7d", "12h", "90m", "3600s" -> seconds */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([dhms])$/i.exec(text.trim());
  if (!m) throw usageError(`${text} is not a duration`, 'use a number and a unit: 7d, 12h, 90m');
  return Number(m[1]) * { d: 86_400, h: 3600, m: 60, s: 1 }[m[2]!.toLowerCase() as 'd' | 'h' | 'm' | 's'];
}

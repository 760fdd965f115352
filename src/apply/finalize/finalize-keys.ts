// The engine of `keyshift finalize JOURNAL --soak 7d`: delete, for good, the keys apply
// deactivated once they have stayed inactive through the soak with nothing trying to use them,
// then the host backups of the files that held them. Deletion cannot be undone, so every gate
// errs towards keeping:
// - the run that deactivated a key must be over (finalize never deletes a key deactivated by
//   a run that may still be going: a safety gate for the whole finalize);
// - the soak must have passed since the deactivation;
// - the key must still be Inactive (a reactivated key is left alone), unused since (IAM's
//   last-used date), and CloudTrail must show no call made with it since, failed ones
//   included: a failing call means something still tries to use the key, and deleting it would
//   hide the one clue to what.
// Every delete goes through `mutate` (journaled: iam:DeleteAccessKey, host:delete-backup).
import { DeleteAccessKeyCommand, IAMClient } from '@aws-sdk/client-iam';
import type { AwsContext } from '../../aws/aws-context.js';
import { InterruptedError, isKeyshiftError, KeyshiftError } from '../../errors.js';
import type { JournalRecord } from '../../model/journal.js';
import { readAccessKeyState } from '../handlers/access-key-state.js';
import type { HostExecutor } from '../host-executor.js';
import { foldJournal, type JournalState } from '../journal-state.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { KeyCall, RoleEvidence } from '../role-evidence.js';
import type { StepContext } from '../step-handler.js';
import { finalizeBackups, type BackupReport } from './finalize-backups.js';
import { journalDeactivations, type Deactivation } from './journal-deactivations.js';

export interface FinalizeInput {
  /** the journal's records, as read (the header first) */
  records: readonly JournalRecord[];
  /** this finalize run's ID, when its own run record is among `records` */
  runId?: string;
  now(): Date;
  aws: AwsContext;
  evidence: RoleEvidence;
  hosts: HostExecutor;
  /** journals each delete: intent, the call, result */
  mutate: StepContext['mutate'];
  /** how long a key must have been inactive before it is deleted */
  soakSeconds: number;
  signal: AbortSignal;
  /** the run's IAM write limiter, when it has one */
  iamWrites?: RateLimiter;
}

export interface KeyReport {
  accessKeyId: string;
  action: 'deleted' | 'waiting' | 'kept';
  reason: string;
  /** waiting: when the soak ends */
  until?: Date;
}

export interface FinalizeReport {
  keys: KeyReport[];
  backups: BackupReport[];
}

const LIST_LIMIT = 5;

/** Refuses when a deactivating run may still be going: it has no end record and no apply or rollback run started after it. */
function checkRunsOver(state: JournalState, deactivations: readonly Deactivation[], currentRunId: string | undefined): void {
  const runs = state.runs.filter((r) => r.runId !== currentRunId);
  for (const d of deactivations) {
    const index = runs.findIndex((r) => r.runId === d.runId);
    const run = runs[index];
    // a crash leaves no end record, but a later apply --resume or rollback means it is over;
    // a later finalize does not (an earlier refused finalize is no proof the run stopped)
    const overSince = runs.slice(index + 1).some((r) => r.command !== 'finalize');
    if (run !== undefined && !run.ended && !overSince) {
      throw new KeyshiftError('safety-gate', `access key ${d.accessKeyId} was deactivated by ${run.command} run ${run.runId} (started ${run.at}), which has not ended: it may still be going`, {
        hint: `let that run finish (or run apply --resume once it has stopped), then finalize`,
      });
    }
  }
}

function shown(xs: readonly string[]): string {
  return xs.length > LIST_LIMIT ? `${xs.slice(0, LIST_LIMIT).join(', ')} and ${xs.length - LIST_LIMIT} more` : xs.join(', ');
}

function callsReason(calls: readonly KeyCall[], since: Date, describe: string): string {
  const failed = calls.filter((c) => c.errorCode !== null);
  const codes = [...new Set(failed.map((c) => c.errorCode!))];
  const ips = [...new Set(calls.map((c) => c.sourceIp).filter((ip): ip is string => ip !== null))];
  const actions = [...new Set(calls.map((c) => c.action))];
  return (
    `${calls.length} call${calls.length === 1 ? '' : 's'} made with it since its deactivation at ${since.toISOString()} in ${describe}` +
    `${failed.length > 0 ? ` (${failed.length} failed: ${shown(codes)})` : ''}: ${shown(actions)}${ips.length > 0 ? ` from ${shown(ips)}` : ''}, the last at ${calls.at(-1)!.at.toISOString()}. ` +
    `Something still tries to use the key: find it before deleting the key (the calls say where from)`
  );
}

function errorName(e: unknown): string {
  return (e as { name?: string } | null)?.name ?? 'Error';
}

async function finalizeKey(d: Deactivation, input: FinalizeInput): Promise<KeyReport> {
  const { accessKeyId } = d;
  if (d.reactivated !== null) return { accessKeyId, action: 'kept', reason: `active again: ${d.reactivated}; left alone` };
  if (d.deleteCall?.outcome === 'ok') return { accessKeyId, action: 'deleted', reason: `deleted by an earlier finalize (call ${d.deleteCall.seq}, ${d.deleteCall.at.toISOString()})` };

  const until = new Date(d.at.getTime() + input.soakSeconds * 1000);
  if (input.now().getTime() < until.getTime()) {
    return { accessKeyId, action: 'waiting', reason: `deactivated ${d.at.toISOString()}: the soak ends ${until.toISOString()}`, until };
  }

  const live = await readAccessKeyState(input.aws, accessKeyId, input.signal);
  if (live === null) {
    const how = d.deleteCall !== null ? `the delete call ${d.deleteCall.seq} of an earlier finalize went through` : 'deleted outside keyshift';
    return { accessKeyId, action: 'deleted', reason: `no longer exists: ${how}` };
  }
  if (live.status !== 'Inactive') return { accessKeyId, action: 'kept', reason: `${live.status} again (switched back on outside keyshift): left alone` };
  if (live.lastUsed !== null && live.lastUsed.getTime() > d.at.getTime()) {
    return { accessKeyId, action: 'kept', reason: `IAM says it was used ${live.lastUsed.toISOString()}, after its deactivation at ${d.at.toISOString()}: find what uses it before deleting it` };
  }
  const calls = await input.evidence.keyCalls(accessKeyId, d.at, input.signal);
  if (calls.length > 0) return { accessKeyId, action: 'kept', reason: callsReason(calls, d.at, input.evidence.describe) };

  await input.iamWrites?.take();
  try {
    await input.mutate(
      { api: 'iam:DeleteAccessKey', region: null, target: accessKeyId, args: { accessKeyId, userName: live.userName, deactivatedSeq: d.seq, previous: { status: 'Inactive' } } },
      () => input.aws.client(IAMClient).send(new DeleteAccessKeyCommand({ AccessKeyId: accessKeyId, UserName: live.userName }), { abortSignal: input.signal }),
      () => ({ accessKeyId, userName: live.userName, deleted: true }),
    );
  } catch (e) {
    if (e instanceof InterruptedError || input.signal.aborted) throw e instanceof InterruptedError ? e : new InterruptedError();
    if (errorName(e) === 'NoSuchEntity' || errorName(e) === 'NoSuchEntityException') return { accessKeyId, action: 'deleted', reason: 'no longer exists (deleted meanwhile)' };
    const why = isKeyshiftError(e) ? e.message : `${errorName(e)}: ${(e as Error)?.message ?? String(e)}`;
    return { accessKeyId, action: 'kept', reason: `iam:DeleteAccessKey failed (${why}): it stays inactive` };
  }
  return { accessKeyId, action: 'deleted', reason: `deleted: inactive since ${d.at.toISOString()} (soak passed ${until.toISOString()}), no use since` };
}

/** Deletes what the soak has cleared, and reports on every key the journal deactivated and every backup its host steps made. */
export async function finalizeKeys(input: FinalizeInput): Promise<FinalizeReport> {
  if (!Number.isFinite(input.soakSeconds) || input.soakSeconds < 0) throw new RangeError(`the soak must be zero or more seconds (got ${input.soakSeconds})`);
  const state = foldJournal(input.records);
  const deactivations = journalDeactivations(state);
  checkRunsOver(state, deactivations, input.runId);
  const keys: KeyReport[] = [];
  // one key at a time: IAM writes are rate-limited account-wide, and a report stays in key order
  for (const d of deactivations) {
    if (input.signal.aborted) throw new InterruptedError();
    keys.push(await finalizeKey(d, input));
  }
  const backups = await finalizeBackups(state, keys, input);
  return { keys, backups };
}

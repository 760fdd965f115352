// `keyshift apply` as a job: the gates (account, the running credential, drift, pre-flight,
// confirmation), then the steps, journaled. Returns what happened; the CLI turns it into an
// exit code. Nothing is changed before every gate has passed.
import { access } from 'node:fs/promises';
import type { AwsContext } from '../aws/aws-context.js';
import { badInput, InterruptedError, KeyshiftError, usageError } from '../errors.js';
import type { IoHost } from '../io/host.js';
import { JOURNAL_VERSION } from '../model/journal.js';
import type { PlanDocument } from '../model/plan.js';
import type { Stage } from '../model/stages.js';
import { VERSION } from '../version.js';
import { computePlanId } from '../plan/plan-id.js';
import { callerIdentity } from './caller-identity.js';
import { driftPass, profileDrift, type Drift } from './drift-pass.js';
import type { HostExecutor } from './host-executor.js';
import { JournalWriter, readJournal } from './journal-file.js';
import { JournalSession, type SessionHooks } from './journal-session.js';
import { foldJournal, isFinished, type JournalState } from './journal-state.js';
import { observedUses, preflight } from './preflight.js';
import { RateLimiter } from './rate-limiter.js';
import type { RoleEvidence } from './role-evidence.js';
import { applyScope } from './scope.js';
import { simulateRole } from './simulate-check.js';
import type { StepContext, StepHandlers } from './step-handler.js';
import { DescribeHostExecutor } from './host/describe-executor.js';
import { runSteps, type SchedulerResult, type StepContextBase } from './step-scheduler.js';

/** An executor, or one made once the run's journal exists (SSM journals its own calls). */
export type HostExecutorChoice = HostExecutor | ((mutate: StepContext['mutate']) => HostExecutor);

export interface ApplyJobOptions {
  plan: PlanDocument;
  planPath: string;
  planSha256: string;
  journalPath: string;
  resume: boolean;
  yes: boolean;
  /** a person can answer questions (stdin is a terminal) */
  interactive: boolean;
  only: string[] | null;
  until: Stage | null;
  concurrency: number;
  /** steps a person has carried out (manual actions, hosts without SSM) */
  markDone: string[];
  aws: AwsContext;
  hosts: HostExecutorChoice;
  evidence: RoleEvidence;
  handlers: StepHandlers;
  host: IoHost;
  signal: AbortSignal;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** IAM writes per second, account-wide */
  iamWritesPerSecond?: number;
  hooks?: SessionHooks;
}

export type ApplyOutcome = 'done' | 'waiting' | 'blocked' | 'failed' | 'denied' | 'interrupted' | 'declined' | 'drift';

export interface ApplyResult {
  outcome: ApplyOutcome;
  journalPath: string;
  runId: string | null;
  drift: Drift[];
  preflight: { workload: string; checked: number; gaps: { action: string; resource: string; decision: string }[] }[];
  notApplicable: { id: string; status: string; reasons: string[] }[];
  steps: SchedulerResult['reports'];
  pending: SchedulerResult['pending'];
  /** keys the plan could not decide to deactivate, with why (a person must look) */
  heldKeys: { accessKeyId: string; decision: string; reasons: string[] }[];
  callsSent: number;
}

export function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new InterruptedError());
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new InterruptedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function runApply(o: ApplyJobOptions): Promise<ApplyResult> {
  const { plan, host } = o;
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1 || o.concurrency > 64) throw usageError(`--concurrency ${o.concurrency}: expected a whole number from 1 to 64`);

  // the plan as made: its ID is derived from its content, so an edit shows
  if (computePlanId(plan) !== plan.planId) throw badInput(`${o.planPath} does not match its ID ${plan.planId}: it was changed after keyshift plan made it`, 'make the plan again with keyshift plan (edits are not applied)');

  // the journal: a new one, or the one to resume, which must be this plan's
  const hasJournal = await exists(o.journalPath);
  if (hasJournal && !o.resume) throw usageError(`${o.journalPath} exists: this plan has been applied before`, 'continue it with --resume, see it with `keyshift status`, or undo it with `keyshift rollback`');
  if (!hasJournal && o.resume) throw usageError(`--resume: there is no journal at ${o.journalPath}`, 'start with `keyshift apply` without --resume, or pass --journal');
  let state: JournalState = foldJournal([]);
  if (hasJournal) {
    const journal = await readJournal(o.journalPath);
    if (journal.header.planId !== plan.planId) throw badInput(`${o.journalPath} is the journal of plan ${journal.header.planId}, not of ${plan.planId}`, 'pass the plan this journal belongs to, or another --journal');
    state = foldJournal(journal.records);
  }

  // the account, and the key keyshift itself runs with
  const me = await callerIdentity(o.aws);
  if (me.account !== plan.account) throw badInput(`plan ${plan.planId} was made for account ${plan.account}, but the credentials are for account ${me.account}`, 'run with credentials for the plan\'s account, or make a plan for this one');
  const scope = applyScope(plan, o.only, o.until);
  const ownKey = me.accessKeyId;
  if (ownKey && scope.steps.some((s) => s.step.kind === 'deactivate-access-key' && s.step.params.accessKeyId === ownKey)) {
    throw new KeyshiftError('safety-gate', `keyshift is running with ${ownKey}, which this plan deactivates: it would lock itself out mid-run`, { hint: 'run apply with other credentials (an operator role), or leave that key out with --until verify' });
  }
  for (const id of o.markDone) if (!scope.all.has(id)) throw usageError(`--mark-done ${id}: no such step in plan ${plan.planId}`);

  const sleep = o.sleep ?? abortableSleep(o.signal);
  const base: StepContextBase = {
    plan,
    aws: o.aws,
    // the drift pass reads no host; the real executor is chosen once the journal is open
    hosts: typeof o.hosts === 'function' ? new DescribeHostExecutor() : o.hosts,
    iamWrites: new RateLimiter(o.iamWritesPerSecond ?? 10, o.iamWritesPerSecond ?? 10),
    evidence: o.evidence,
    now: o.now,
    sleep,
    signal: o.signal,
    host,
  };
  const finished = (id: string) => isFinished(state, id) || o.markDone.includes(id);
  const result: ApplyResult = {
    outcome: 'done',
    journalPath: o.journalPath,
    runId: null,
    drift: [],
    preflight: [],
    notApplicable: scope.notApplicable,
    steps: [],
    pending: [],
    heldKeys: plan.keys.filter((k) => k.decision === 'blocked' && k.workloads.some((w) => scope.workloads.some((x) => x.id === w))).map((k) => ({ accessKeyId: k.accessKeyId, decision: k.decision, reasons: k.reasons })),
    callsSent: 0,
  };

  host.notify({ type: 'phase', phase: 'drift', message: `checking the live state of account ${plan.account} against plan ${plan.planId}` });
  result.drift = [...(await driftPass(scope.steps, finished, scope.all, o.handlers, base, o.concurrency)), ...(await profileDrift(scope.workloads, o.aws))];
  if (result.drift.length > 0) return { ...result, outcome: 'drift' };

  host.notify({ type: 'phase', phase: 'preflight', message: 'pre-flight: checking that each role allows what its workload was seen doing' });
  const stopped = new Map<string, string>();
  for (const w of scope.workloads) {
    const p = await preflight(w, o.aws);
    result.preflight.push(p);
    if (p.gaps.length > 0) stopped.set(w.id, `pre-flight: the role would not allow ${p.gaps.map((g) => `${g.action} on ${g.resource}`).slice(0, 5).join(', ')}${p.gaps.length > 5 ? ` and ${p.gaps.length - 5} more` : ''}`);
  }

  // what will change, and a yes from a person or the pipeline
  const todo = scope.steps.filter((s) => !finished(s.step.id));
  const kinds = new Map<string, number>();
  for (const s of todo) kinds.set(s.step.kind, (kinds.get(s.step.kind) ?? 0) + 1);
  const summary = `${o.resume ? 'resume' : 'apply'} plan ${plan.planId} in account ${plan.account}: ${scope.workloads.length} workload(s), ${todo.length} step(s) to go (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'})`;
  host.notify({ type: 'phase', phase: 'summary', message: summary });
  if (!o.yes) {
    if (!o.interactive) throw usageError('apply changes the account: pass --yes to confirm when no one can answer a question', 'review the plan first with `keyshift plan show`');
    const ok = await host.confirm({ id: 'apply', message: `${summary}. Go ahead?`, default: false });
    if (!ok) return { ...result, outcome: 'declined' };
  }

  const writer = await JournalWriter.open(o.journalPath);
  const session = new JournalSession(writer, state.nextSeq, o.now, o.signal, o.hooks);
  result.runId = session.runId;
  if (typeof o.hosts === 'function') base.hosts = o.hosts(session.mutator({ stepId: null, workload: null }));
  try {
    if (!hasJournal) {
      await session.append({
        type: 'header',
        kind: 'journal',
        version: JOURNAL_VERSION,
        account: plan.account,
        asOf: o.now().toISOString(),
        generator: { name: 'keyshift', version: VERSION },
        planId: plan.planId,
        plan: { path: o.planPath, sha256: o.planSha256 },
      });
    }
    await session.start('apply', { only: o.only, until: o.until, concurrency: o.concurrency, resume: o.resume, markDone: o.markDone }, { arn: me.arn, accessKeyId: me.accessKeyId });
    for (const id of o.markDone) await session.markedDone(id, me.arn);
    for (const id of o.markDone) state.markedDone.add(id);
    for (const [w, reason] of stopped) {
      const first = scope.steps.find((s) => s.workload.id === w && !finished(s.step.id));
      if (!first) continue;
      await session.step({ stepId: first.step.id, workload: w, stage: first.step.stage, status: 'blocked', message: reason, output: {}, until: null });
      host.notify({ type: 'step', step: first.step.id, status: 'blocked', message: reason, workload: w, stage: first.step.stage, kind: first.step.kind });
    }
    host.notify({
      type: 'apply-scope',
      workloads: scope.workloads.map((w) => ({ id: w.id, name: w.name, steps: scope.steps.filter((s) => s.workload.id === w.id).length, finished: scope.steps.filter((s) => s.workload.id === w.id && finished(s.step.id)).length })),
    });
    const run = await runSteps({
      steps: scope.steps,
      all: scope.all,
      state,
      session,
      handlers: o.handlers,
      base,
      concurrency: o.concurrency,
      host,
      signal: o.signal,
      stopped,
      beforeCutover: async (s) => {
        const sim = await simulateRole(o.aws, s.workload.role.arn, observedUses(s.workload));
        if (!sim.available) {
          host.notify({ type: 'warning', code: 'simulator-unavailable', message: `${s.workload.id}: ${sim.reason}; the pre-flight evaluator's answer stands` });
          return null;
        }
        return sim.gaps.length > 0 ? `IAM's policy simulator says ${s.workload.role.name} would not allow ${sim.gaps.slice(0, 5).map((g) => `${g.action} on ${g.resource} (${g.decision})`).join(', ')}` : null;
      },
    });
    result.steps = run.reports;
    result.pending = run.pending;
    result.callsSent = session.callsSent;
    result.outcome = outcomeOf(run, stopped.size > 0);
    // a key the plan itself held back needs a person, even when every step went through
    if (result.outcome === 'done' && result.heldKeys.length > 0 && (o.until === null || o.until === 'deactivate')) result.outcome = 'blocked';
    await session.end('apply', result.outcome, `${run.reports.length} step(s) recorded, ${run.pending.length} pending`);
    return result;
  } finally {
    await writer.close();
  }
}

function outcomeOf(run: SchedulerResult, preflightStopped: boolean): ApplyOutcome {
  if (run.interrupted) return 'interrupted';
  const has = (status: string) => run.reports.some((r) => r.status === status);
  if (run.reports.some((r) => r.status === 'failed' && r.denied)) return 'denied';
  if (has('blocked') || has('paused') || preflightStopped) return 'blocked';
  if (has('failed')) return 'failed';
  if (has('waiting') || run.pending.length > 0) return 'waiting';
  return 'done';
}

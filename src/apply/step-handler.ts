// The contract between the executor and the code that carries out one kind of plan step.
//
// A handler first reads the live state (`check`): the step is already done (a resume, or an
// idempotent re-run), ready (the state is what the plan recorded in `expect`), or drifted (the
// account changed since the plan: exit 5, nothing touched). Then `run` makes the change, every
// mutating call through `ctx.mutate`, which journals an intent before the call and a result
// after it. Handlers never write the journal themselves and never print.
import type { AwsContext } from '../aws/aws-context.js';
import type { IoHost } from '../io/host.js';
import type { PlanDocument, PlanStep, StepKind, Workload } from '../model/plan.js';
import type { HostExecutor } from './host-executor.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RoleEvidence } from './role-evidence.js';

export type Json = Record<string, unknown>;

/** One mutating call: what the journal's intent records. */
export interface MutatingCall {
  /** `service:Operation`, e.g. `iam:CreateRole`, `ec2:AssociateIamInstanceProfile`, `host:remove-credential` */
  api: string;
  /** the region of a regional call; null for IAM and host calls */
  region: string | null;
  /** what it acts on: an ARN, instance ID, host:path, key ID */
  target: string;
  /** the arguments, plus `previous`: what rollback restores. Never a secret. */
  args: Json;
}

export interface StepContext {
  plan: PlanDocument;
  workload: Workload;
  step: PlanStep;
  aws: AwsContext;
  /** the host steps' executor: SSM Run Command, or the local executor on a fixture root */
  hosts: HostExecutor;
  /** shared by every IAM write of the run: IAM's limits are account-wide */
  iamWrites: RateLimiter;
  /** CloudTrail as the verify steps read it: what roles did, and calls made with a key */
  evidence: RoleEvidence;
  /** the injectable clock */
  now(): Date;
  /** waits, or returns early when the run is interrupted; injectable so tests do not sleep */
  sleep(ms: number): Promise<void>;
  signal: AbortSignal;
  host: IoHost;
  /**
   * Sends one mutating call with the journal around it: intent (flushed), the call, result
   * (flushed). `output` picks what to keep from the response (IDs, version numbers; never a
   * secret). A failed call records its error and rethrows.
   */
  mutate<T>(call: MutatingCall, send: () => Promise<T>, output?: (response: T) => Json): Promise<T>;
  /** the output a finished step recorded (done or already-done), for `{ fromStep: id }` params */
  outputOf(stepId: string): Json | undefined;
  /** when the step that finished the workload's cutover (or attach, if it had none) was recorded done */
  doneAt(stepId: string): Date | undefined;
}

export type CheckResult =
  /** the live state is what the step expects: run it */
  | { state: 'ready' }
  /** the live state already is the step's target; `output` as `run` would have returned */
  | { state: 'done'; output?: Json; message?: string }
  /** the live state is neither: the plan is stale */
  | { state: 'drift'; message: string };

export type StepOutcome =
  | { status: 'done'; message: string; output?: Json }
  /** a gate needs time: `until` when known; `--resume` continues */
  | { status: 'waiting'; message: string; until?: Date }
  /** needs a person; `commands` are what to run (no SSM) */
  | { status: 'paused'; message: string; commands?: string[] }
  /** a safety gate held: exit 5 */
  | { status: 'blocked'; message: string }
  | { status: 'failed'; message: string };

export interface StepHandler {
  check(ctx: StepContext): Promise<CheckResult>;
  run(ctx: StepContext): Promise<StepOutcome>;
}

export type StepHandlers = Partial<Record<StepKind, StepHandler>>;

/**
 * Undoes one journaled call during rollback, reading the live state first so it is idempotent
 * (rollback can itself crash and be run again). `result` is missing for a call that crashed
 * before its result was recorded: the undoer finds out from the live state whether it happened.
 * Its own mutating calls go through `ctx.mutate` (journaled with `undoOf`).
 */
export interface UndoContext {
  plan: { planId: string; account: string };
  aws: AwsContext;
  hosts: HostExecutor;
  iamWrites: RateLimiter;
  now(): Date;
  sleep(ms: number): Promise<void>;
  signal: AbortSignal;
  mutate<T>(call: MutatingCall, send: () => Promise<T>, output?: (response: T) => Json): Promise<T>;
}

export interface JournaledCall {
  seq: number;
  api: string;
  region: string | null;
  target: string;
  args: Json;
  stepId: string | null;
  /** undefined: crashed mid-call; the outcome is unknown */
  result?: { ok: boolean; output: Json };
}

export interface Undoer {
  /** returns what it did, for people ("deleted role x", "nothing to undo: ...") */
  undo(call: JournaledCall, ctx: UndoContext): Promise<string>;
}

export type Undoers = Record<string, Undoer>;

/** The tag on every IAM resource apply creates; rollback and finalize delete only those carrying the plan's ID. */
export { PLAN_TAG } from '../plan/plan-id.js';

// The journal: an append-only NDJSON file, one record per line, flushed to disk per record.
// `apply` writes an intent before and a result after every mutating call, and a step record
// when a step ends (done, waiting, failed, ...). `--resume`, `status`, `rollback` and `finalize`
// read it back. The first line is the header, with the document envelope. No record ever holds
// a secret: host steps record paths, backup names and key IDs, never file contents.
import { z } from 'zod';
import { envelopeShape } from './envelope.js';
import { STAGES } from './stages.js';

export const JOURNAL_VERSION = 1;

const isoDate = z.iso.datetime({ offset: true });
const Json = z.record(z.string(), z.unknown());

export const JournalHeader = z.object({
  type: z.literal('header'),
  ...envelopeShape,
  kind: z.literal('journal'),
  account: z.string().regex(/^\d{12}$/),
  planId: z.string(),
  /** the plan this journal carries out: where it was and the SHA-256 of its bytes */
  plan: z.object({ path: z.string(), sha256: z.string() }),
});
export type JournalHeader = z.infer<typeof JournalHeader>;

export const JournalCommand = z.enum(['apply', 'rollback', 'finalize']);
export type JournalCommand = z.infer<typeof JournalCommand>;

/** One run of a command over this journal. */
export const RunRecord = z.object({
  type: z.literal('run'),
  runId: z.string(),
  at: isoDate,
  command: JournalCommand,
  options: Json,
  /** who ran it: the caller's ARN and access key ID (never the secret) */
  identity: z.object({ arn: z.string(), accessKeyId: z.string().nullable() }),
});

/** Written, and flushed, before a mutating call is sent. */
export const IntentRecord = z.object({
  type: z.literal('intent'),
  runId: z.string(),
  at: isoDate,
  /** increases by one per intent across the whole journal */
  seq: z.number().int().positive(),
  stepId: z.string().nullable(),
  workload: z.string().nullable(),
  /** `service:Operation`, e.g. `iam:CreateRole`, or `host:remove-credential` for a host step */
  api: z.string(),
  region: z.string().nullable(),
  target: z.string(),
  /** the call's arguments, plus what rollback needs to restore (`previous`); never a secret */
  args: Json,
  /** set when this call undoes an earlier one (rollback), to its seq */
  undoOf: z.number().int().positive().nullable(),
});
export type IntentRecord = z.infer<typeof IntentRecord>;

/** Written, and flushed, after the call returned or failed. An intent without one crashed mid-call. */
export const ResultRecord = z.object({
  type: z.literal('result'),
  runId: z.string(),
  at: isoDate,
  seq: z.number().int().positive(),
  ok: z.boolean(),
  /** what the call produced that later steps or rollback need (an association ID, a version number) */
  output: Json,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ResultRecord = z.infer<typeof ResultRecord>;

export const StepStatus = z.enum([
  'done', // carried out in this run
  'already-done', // the live state was already the step's target (resume, idempotent re-run)
  'waiting', // a gate needs time (quiet period, soak): exit 75
  'paused', // needs a person (no SSM: commands printed; a manual action)
  'failed', // the step's calls failed; the workload stops
  'blocked', // a safety gate held (drift, pre-flight gap, key still in use): exit 5
  'undone', // rollback reverted it
]);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepRecord = z.object({
  type: z.literal('step'),
  runId: z.string(),
  at: isoDate,
  stepId: z.string(),
  workload: z.string(),
  stage: z.enum(STAGES),
  status: StepStatus,
  message: z.string(),
  /** outputs later steps refer to (`fromStep`), e.g. { version: 3 } */
  output: Json,
  /** for waiting: when the gate can pass, if known */
  until: isoDate.nullable(),
});
export type StepRecord = z.infer<typeof StepRecord>;

/** Rollback undid the call `seq` (or found nothing to undo); a re-run of rollback skips it. */
export const UndoneRecord = z.object({
  type: z.literal('undone'),
  runId: z.string(),
  at: isoDate,
  seq: z.number().int().positive(),
  message: z.string(),
});
export type UndoneRecord = z.infer<typeof UndoneRecord>;

/** A person confirmed a step that keyshift cannot check itself (a manual action, a host without SSM). */
export const MarkedDoneRecord = z.object({
  type: z.literal('marked-done'),
  runId: z.string(),
  at: isoDate,
  stepId: z.string(),
  by: z.string(),
});

export const EndRecord = z.object({
  type: z.literal('end'),
  runId: z.string(),
  at: isoDate,
  command: JournalCommand,
  /** done, waiting, blocked, failed, denied, interrupted ... */
  outcome: z.string(),
  message: z.string(),
});

export const JournalRecord = z.discriminatedUnion('type', [JournalHeader, RunRecord, IntentRecord, ResultRecord, StepRecord, UndoneRecord, MarkedDoneRecord, EndRecord]);
export type JournalRecord = z.infer<typeof JournalRecord>;
export type RunRecord = z.infer<typeof RunRecord>;
export type EndRecord = z.infer<typeof EndRecord>;

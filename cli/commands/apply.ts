// `keyshift apply PLAN`: options -> the executor job -> progress (ink, plain or NDJSON) and a
// summary -> exit code: 0 done, 75 waiting for time to pass, 5 a gate held (drift, pre-flight,
// a key still in use, a step that needs a person), 4 AWS refused, 3 another account's plan,
// 2 no --yes without a terminal, 130 interrupted (the journal is consistent; --resume).
import { PlanDocument, PLAN_VERSION } from '../../src/model/plan.js';
import { parseDocument } from '../../src/model/read-document.js';
import type { Stage } from '../../src/model/stages.js';
import { defaultJournalPath } from '../../src/apply/journal-file.js';
import { runApply, type ApplyOutcome, type ApplyResult } from '../../src/apply/run-apply.js';
import { allStepHandlers } from '../../src/apply/handlers/index.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { renderApplySummary } from '../views/apply-summary.js';
import { connect, crashHooks, evidenceFor, executorClock, hostsFor, readPlanBytes, type ExecutorCommandOptions } from './executor-options.js';

export interface ApplyCommandOptions extends ExecutorCommandOptions {
  only?: string[];
  until?: Stage;
  resume?: boolean;
  concurrency: number;
  journal?: string;
  markDone?: string[];
}

const EXIT: Record<ApplyOutcome, number> = {
  done: ExitCode.ok,
  declined: ExitCode.ok,
  waiting: ExitCode.waiting,
  blocked: ExitCode.safetyGate,
  drift: ExitCode.safetyGate,
  failed: ExitCode.safetyGate,
  denied: ExitCode.awsRefused,
  interrupted: ExitCode.interrupted,
};

export async function runApplyCommand(ctx: CliContext, planPath: string, opts: ApplyCommandOptions): Promise<number> {
  const { text, sha256 } = await readPlanBytes(planPath);
  const plan = parseDocument(text, { kind: 'plan', version: PLAN_VERSION, schema: PlanDocument }, planPath);
  const now = executorClock(ctx, opts);
  const aws = connect(ctx, opts);
  try {
    const result = await runApply({
      plan,
      planPath,
      planSha256: sha256,
      journalPath: opts.journal ?? defaultJournalPath(planPath),
      resume: opts.resume === true,
      yes: opts.yes === true,
      interactive: ctx.mode.interactive,
      only: opts.only ?? null,
      until: opts.until ?? null,
      concurrency: opts.concurrency,
      markDone: opts.markDone ?? [],
      aws,
      hosts: hostsFor(ctx, opts, aws),
      evidence: evidenceFor(opts, aws, plan),
      handlers: allStepHandlers(),
      host: ctx.host,
      signal: ctx.signal,
      now,
      hooks: crashHooks(ctx, opts),
    });
    ctx.host.close();
    await writeResult(ctx.mode.json ? `${JSON.stringify(applyResultJson(result), null, 2)}\n` : renderApplySummary(result), undefined, ctx.streams);
    return EXIT[result.outcome];
  } finally {
    aws.destroy();
  }
}

/** The result document pipelines read (stable; see README "apply --json"). */
export function applyResultJson(r: ApplyResult): Record<string, unknown> {
  return {
    kind: 'apply-result',
    version: 1,
    outcome: r.outcome,
    journal: r.journalPath,
    runId: r.runId,
    drift: r.drift,
    preflight: r.preflight,
    notApplicable: r.notApplicable,
    steps: r.steps,
    pending: r.pending,
    heldKeys: r.heldKeys,
    mutatingCalls: r.callsSent,
  };
}

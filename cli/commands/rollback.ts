// `keyshift rollback JOURNAL`: undo, newest first, everything the journal records. Exit 0 when
// all is undone (or nothing was left), 5 when an undo failed (rollback can be run again), 2
// without --yes and no terminal, 130 interrupted.
import chalk from 'chalk';
import { runRollback } from '../../src/apply/run-rollback.js';
import { allUndoers } from '../../src/apply/undo/index.js';
import { readJournal } from '../../src/apply/journal-file.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { connect, crashHooks, executorClock, hostsFor, type ExecutorCommandOptions } from './executor-options.js';

export async function runRollbackCommand(ctx: CliContext, journalPath: string, opts: ExecutorCommandOptions): Promise<number> {
  const journal = await readJournal(journalPath);
  const aws = connect(ctx, opts);
  try {
    const r = await runRollback({
      journalPath,
      yes: opts.yes === true,
      interactive: ctx.mode.interactive,
      aws,
      hosts: hostsFor(ctx, opts, aws),
      undoers: allUndoers(),
      host: ctx.host,
      signal: ctx.signal,
      now: executorClock(ctx, opts),
      hooks: crashHooks(ctx, opts),
    });
    ctx.host.close();
    if (ctx.mode.json) await writeResult(`${JSON.stringify({ kind: 'rollback-result', version: 1, planId: journal.header.planId, ...r }, null, 2)}\n`, undefined, ctx.streams);
    else {
      const lines = [`${chalk.bold('keyshift rollback')}: ${r.outcome}, ${r.undone.length} call(s) undone, ${r.remaining} left`];
      for (const u of r.undone) lines.push(`  undone #${u.seq} ${u.api} ${u.target}: ${u.message}`);
      if (r.failed) lines.push(`  ${chalk.red('failed')} #${r.failed.seq} ${r.failed.api} ${r.failed.target}: ${r.failed.message}`, 'next: fix the cause and run `keyshift rollback` again; what is undone stays undone');
      for (const i of r.irreversible) lines.push(`  ${chalk.yellow('cannot undo')} #${i.seq} ${i.api} ${i.target} (finalize deleted it)`);
      await writeResult(`${lines.join('\n')}\n`, undefined, ctx.streams);
    }
    return r.outcome === 'failed' ? ExitCode.safetyGate : r.outcome === 'interrupted' ? ExitCode.interrupted : ExitCode.ok;
  } finally {
    aws.destroy();
  }
}

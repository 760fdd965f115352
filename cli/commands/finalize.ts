// `keyshift finalize JOURNAL [--soak 7d]`: a separate, later run that deletes the keys apply
// deactivated, once they stayed inactive for the soak with no calls made with them, and then
// their host backups. Exit 0 all done, 75 some still soaking, 5 some kept (used since:
// a person must look), 2 no --yes without a terminal.
import chalk from 'chalk';
import { runFinalize, parseDuration } from '../../src/apply/run-finalize.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { connect, evidenceFor, executorClock, hostsFor, type ExecutorCommandOptions } from './executor-options.js';

export async function runFinalizeCommand(ctx: CliContext, journalPath: string, opts: ExecutorCommandOptions & { soak: string }): Promise<number> {
  const soakSeconds = parseDuration(opts.soak);
  const aws = connect(ctx, opts);
  try {
    const r = await runFinalize({
      journalPath,
      soakSeconds,
      yes: opts.yes === true,
      interactive: ctx.mode.interactive,
      aws,
      hosts: hostsFor(ctx, opts, aws),
      evidence: evidenceFor(opts, aws, null),
      host: ctx.host,
      signal: ctx.signal,
      now: executorClock(ctx, opts),
    });
    ctx.host.close();
    if (ctx.mode.json) await writeResult(`${JSON.stringify({ kind: 'finalize-result', version: 1, ...r }, null, 2)}\n`, undefined, ctx.streams);
    else {
      const lines = [`${chalk.bold('keyshift finalize')}: ${r.outcome}`];
      for (const k of r.keys) lines.push(`  ${k.accessKeyId}  ${k.action}: ${k.reason}`);
      for (const b of r.backups) {
        lines.push(`  backup ${b.host ?? '?'}:${b.path ?? '?'}  ${b.action}: ${b.reason}`);
        for (const c of b.commands ?? []) lines.push(`      $ ${c}`);
      }
      await writeResult(`${lines.join('\n')}\n`, undefined, ctx.streams);
    }
    return r.outcome === 'kept' ? ExitCode.safetyGate : r.outcome === 'waiting' ? ExitCode.waiting : ExitCode.ok;
  } finally {
    aws.destroy();
  }
}

// `keyshift usage`: options -> the usage job -> summary or JSON -> exit code.
import { runUsageJob } from '../../src/usage/usage-job.js';
import { sourceFor } from '../../src/usage/sources/source-for.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { renderUsageSummary } from '../views/usage-summary.js';
import type { INVENTORY_FORMATS } from './choices.js';

export interface UsageOptions {
  from: string[];
  since?: Date;
  until?: Date;
  keys?: string[];
  inventory?: string;
  format: (typeof INVENTORY_FORMATS)[number];
  output?: string;
}

export async function runUsage(ctx: CliContext, opts: UsageOptions): Promise<number> {
  const window = { since: opts.since ?? null, until: opts.until ?? null };
  const { usage, faults } = await runUsageJob({
    sources: opts.from.map((spec) => sourceFor(spec, window)),
    window,
    keys: opts.keys,
    inventoryPath: opts.inventory,
    host: ctx.host,
    signal: ctx.signal,
    now: ctx.now(),
  });
  ctx.host.close();
  const json = `${JSON.stringify(usage, null, 2)}\n`;
  if (opts.output) {
    await writeResult(json, opts.output, ctx.streams);
    if (!ctx.mode.json) await writeResult(renderUsageSummary(usage), undefined, ctx.streams);
  } else {
    await writeResult(ctx.mode.json || opts.format === 'json' ? json : renderUsageSummary(usage), undefined, ctx.streams);
  }
  return faults > 0 ? ExitCode.incomplete : ExitCode.ok;
}

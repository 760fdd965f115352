// `keyshift scan aws`: options -> the inventory job -> summary or JSON -> exit code.
import { runAwsScanJob } from '../../src/scan/aws/scan-aws.js';
import type { InventoryDocument } from '../../src/model/inventory.js';
import type { Severity } from '../../src/model/finding.js';
import type { CliContext } from '../context.js';
import { combineExitCodes, ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import { renderInventorySummary } from '../views/inventory-summary.js';
import { SEVERITIES, type INVENTORY_FORMATS } from './choices.js';


export interface ScanAwsOptions {
  profile?: string;
  region?: string[];
  endpointUrl?: string;
  asOf?: Date;
  format: (typeof INVENTORY_FORMATS)[number];
  output?: string;
  failOn?: Severity;
  concurrency: number;
  ssm?: boolean;
}

export async function runScanAws(ctx: CliContext, opts: ScanAwsOptions): Promise<number> {
  const { inventory, calls } = await runAwsScanJob({
    // the home region for global calls comes from the profile or environment; --region only
    // chooses what to scan (it is checked against DescribeRegions, so it must not be the
    // region that call is sent to)
    connection: { profile: opts.profile, endpointUrl: opts.endpointUrl },
    regions: opts.region,
    env: ctx.env,
    host: ctx.host,
    signal: ctx.signal,
    now: opts.asOf ?? ctx.now(),
    concurrency: opts.concurrency,
    ssm: opts.ssm === true,
  });
  ctx.host.close();
  if (ctx.mode.debug) {
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    ctx.streams.stderr.write(`keyshift: ${total} AWS calls: ${[...calls].map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
  }
  const json = `${JSON.stringify(inventory, null, 2)}\n`;
  if (opts.output) {
    await writeResult(json, opts.output, ctx.streams);
    if (!ctx.mode.json) await writeResult(renderInventorySummary(inventory), undefined, ctx.streams);
  } else {
    const format = ctx.mode.json ? 'json' : opts.format;
    await writeResult(format === 'json' ? json : renderInventorySummary(inventory), undefined, ctx.streams);
  }
  return inventoryExitCode(inventory, opts.failOn);
}

/** 0 when complete; 6 when part could not be read; 1 with --fail-on and a finding at or above it. */
export function inventoryExitCode(inv: InventoryDocument, failOn: Severity | undefined): number {
  const codes: number[] = [];
  if (inv.incomplete.length > 0) codes.push(ExitCode.incomplete);
  if (failOn) {
    const rank = (s: Severity) => SEVERITIES.indexOf(s);
    const severities = [...inv.credentials.map((f) => f.severity), ...inv.findings.map((f) => f.severity)];
    if (severities.some((s) => rank(s) >= rank(failOn))) codes.push(ExitCode.findings);
  }
  return combineExitCodes(codes);
}

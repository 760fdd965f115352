// `keyshift plan` and `keyshift plan show`: documents in -> the pure planner -> the plan as
// JSON, a Markdown review report, or Terraform / CloudFormation; `show` for people.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { badInput, usageError } from '../../src/errors.js';
import { FINDINGS_VERSION, FindingsDocument } from '../../src/model/findings-document.js';
import { InventoryDocument, INVENTORY_VERSION } from '../../src/model/inventory.js';
import { PlanDocument, PLAN_VERSION, type PlanOptions } from '../../src/model/plan.js';
import { parseDocument, type DocumentSpec } from '../../src/model/read-document.js';
import { UsageDocument, USAGE_VERSION } from '../../src/model/usage.js';
import { buildPlan, DEFAULT_PLAN_OPTIONS, formatPlanMarkdown } from '../../src/plan/index.js';
import { exportCloudFormation } from '../../src/plan/export/cloudformation.js';
import { exportableRoles } from '../../src/plan/export/exportable-from-plan.js';
import { exportTerraform } from '../../src/plan/export/terraform.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult, writeResultChunks } from '../output.js';
import { planJsonChunks } from '../../src/plan/plan-json-chunks.js';
import { renderPlanSummary } from '../views/plan-summary.js';

export interface PlanCommandOptions {
  inventory?: string;
  usage?: string;
  hostFindings?: string[];
  format: 'json' | 'markdown';
  export?: 'terraform' | 'cloudformation';
  output?: string;
  rolePrefix?: string;
  rolePath?: string;
  permissionsBoundary?: string;
  tag?: string[];
  hopLimit?: number;
  imdsv2SoakDays?: number;
  minQuietDays?: number;
  includeDenied?: boolean;
  keys?: string[];
  workloads?: string[];
  allowCloudformation?: boolean;
  acceptLintErrors?: boolean;
}

/** Reads a document and the SHA-256 of its bytes (the plan records what it was made from). */
async function readWithHash<T>(path: string, spec: DocumentSpec<T>): Promise<{ doc: T; sha256: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw badInput(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { doc: parseDocument(text, spec, path), sha256: createHash('sha256').update(text).digest('hex') };
}

function parseTags(pairs: string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw badInput(`--tag ${pair}: expected KEY=VALUE`);
    tags[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return tags;
}

export async function runPlan(ctx: CliContext, opts: PlanCommandOptions): Promise<number> {
  if (!opts.inventory || !opts.usage) throw usageError('plan needs --inventory and --usage', 'make them with `keyshift scan aws` and `keyshift usage`');
  const inventory = await readWithHash(opts.inventory, { kind: 'inventory', version: INVENTORY_VERSION, schema: InventoryDocument });
  const usage = await readWithHash(opts.usage, { kind: 'usage', version: USAGE_VERSION, schema: UsageDocument });
  const hostFindings: FindingsDocument[] = [];
  for (const path of opts.hostFindings ?? []) hostFindings.push((await readWithHash(path, { kind: 'findings', version: FINDINGS_VERSION, schema: FindingsDocument })).doc);
  const d = DEFAULT_PLAN_OPTIONS;
  const options: PlanOptions = {
    ...d,
    rolePrefix: opts.rolePrefix ?? d.rolePrefix,
    rolePath: opts.rolePath ?? d.rolePath,
    permissionsBoundaryArn: opts.permissionsBoundary ?? d.permissionsBoundaryArn,
    tags: { ...d.tags, ...parseTags(opts.tag) },
    hopLimit: opts.hopLimit ?? d.hopLimit,
    imdsv2SoakDays: opts.imdsv2SoakDays ?? d.imdsv2SoakDays,
    minQuietDays: opts.minQuietDays ?? d.minQuietDays,
    includeDenied: opts.includeDenied ?? d.includeDenied,
    keys: opts.keys ?? d.keys,
    workloads: opts.workloads ?? d.workloads,
    allowCloudFormation: opts.allowCloudformation ?? d.allowCloudFormation,
    acceptLintErrors: opts.acceptLintErrors ?? d.acceptLintErrors,
  };
  ctx.host.notify({ type: 'phase', phase: 'plan', message: 'planning roles and instance profiles per workload' });
  const plan = await buildPlan({
    inventory: inventory.doc,
    usage: usage.doc,
    hostFindings,
    options,
    inputs: { inventorySha256: inventory.sha256, usageSha256: usage.sha256 },
  });
  for (const w of plan.warnings) ctx.host.notify({ type: 'warning', code: 'plan', message: w });
  ctx.host.close();
  if (!opts.export && opts.format !== 'markdown') {
    // streamed one workload at a time: a plan for thousands of instances is tens of MB
    await writeResultChunks(planJsonChunks(plan), opts.output, ctx.streams);
    return ExitCode.ok;
  }
  let text: string;
  if (opts.export) {
    const { roles, leftOut } = exportableRoles(plan);
    for (const line of leftOut) ctx.host.notify({ type: 'warning', code: 'export-left-out', message: line });
    const meta = { planId: plan.planId, account: plan.account };
    text = opts.export === 'terraform' ? exportTerraform(roles, meta) : exportCloudFormation(roles, meta);
  } else {
    text = formatPlanMarkdown(plan);
  }
  await writeResult(text, opts.output, ctx.streams);
  return ExitCode.ok;
}

export async function runPlanShow(ctx: CliContext, path: string, opts: { markdown?: boolean }): Promise<number> {
  const { doc } = await readWithHash(path, { kind: 'plan', version: PLAN_VERSION, schema: PlanDocument });
  ctx.host.close();
  await writeResult(opts.markdown ? formatPlanMarkdown(doc) : renderPlanSummary(doc), undefined, ctx.streams);
  return ExitCode.ok;
}

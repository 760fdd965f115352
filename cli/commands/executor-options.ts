// What apply, rollback and finalize share: the AWS connection, how host steps reach the hosts
// (SSM, a local root filesystem, or printed commands), where CloudTrail evidence comes from,
// the clock, and the test-only crash switch.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AwsContext } from '../../src/aws/aws-context.js';
import { badInput, usageError } from '../../src/errors.js';
import type { SessionHooks } from '../../src/apply/journal-session.js';
import { lookupEventsRoleEvidence, roleInstancesOf } from '../../src/apply/evidence/lookup-events-role-evidence.js';
import { trailRoleEvidence } from '../../src/apply/evidence/trail-role-evidence.js';
import type { RoleEvidence } from '../../src/apply/role-evidence.js';
import type { PlanDocument } from '../../src/model/plan.js';
import { join } from 'node:path';
import { DescribeHostExecutor } from '../../src/apply/host/describe-executor.js';
import { LocalHostExecutor } from '../../src/apply/host/local-executor.js';
import { SsmHostExecutor } from '../../src/apply/host/ssm-executor.js';
import type { HostExecutorChoice } from '../../src/apply/run-apply.js';
import type { CliContext } from '../context.js';

export interface ExecutorCommandOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  /** host steps run on DIR/<host> on this machine (fixture roots) instead of through SSM */
  hostsRoot?: string;
  /** false with --no-ssm: print the host commands and pause */
  ssm?: boolean;
  /** CloudTrail evidence for the verify steps and finalize: a directory or s3:// of log files */
  trail?: string;
  /** the instance metadata emulator a fixture root's payload asks (http://127.0.0.1:PORT); with --hosts-root */
  imdsEndpoint?: string;
  yes?: boolean;
}

export function connect(ctx: CliContext, o: ExecutorCommandOptions): AwsContext {
  return new AwsContext({ profile: o.profile, region: o.region, endpointUrl: o.endpointUrl }, ctx.env, ctx.signal);
}

/**
 * The clock. KEYSHIFT_NOW moves it for rehearsals and tests, but only against an emulator
 * (--endpoint-url): against a real account, a moved clock would cut a quiet period short.
 */
export function executorClock(ctx: CliContext, o: ExecutorCommandOptions): () => Date {
  const fixed = ctx.env.KEYSHIFT_NOW;
  if (!fixed) return ctx.now;
  if (!o.endpointUrl) throw usageError('KEYSHIFT_NOW moves the clock only against an emulator (--endpoint-url)', 'unset KEYSHIFT_NOW to run against a real account');
  const t = Date.parse(fixed);
  if (Number.isNaN(t)) throw usageError(`KEYSHIFT_NOW=${fixed} is not an ISO 8601 date`);
  // the moved clock still advances, so waits and backoffs behave
  const start = Date.now();
  return () => new Date(t + (Date.now() - start));
}

/** KEYSHIFT_CRASH_AFTER_CALL=k kills the process after the k-th mutating call returned, before its result is journaled: the crash tests' switch. */
export function crashHooks(ctx: CliContext, o: ExecutorCommandOptions): SessionHooks {
  // a test switch: honoured only against an emulator, like KEYSHIFT_NOW
  const k = o.endpointUrl ? Number.parseInt(ctx.env.KEYSHIFT_CRASH_AFTER_CALL ?? '', 10) : Number.NaN;
  if (!Number.isInteger(k) || k < 1) return {};
  return {
    afterCall: (n) => {
      if (n === k) process.kill(process.pid, 'SIGKILL');
    },
  };
}

export async function readPlanBytes(path: string): Promise<{ text: string; sha256: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw badInput(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * Where the verify steps and finalize read CloudTrail: --trail (a folder or s3:// of log
 * files, which can hold data events), else LookupEvents (management events only, 90 days).
 */
export function evidenceFor(o: ExecutorCommandOptions, aws: AwsContext, plan: PlanDocument | null): RoleEvidence {
  if (o.trail) return trailRoleEvidence({ from: o.trail, aws: () => aws, account: plan?.account ?? null });
  const regions = [...new Set(plan?.workloads.map((w) => w.region) ?? [])];
  return lookupEventsRoleEvidence({ aws, regions: regions.length > 0 ? regions : [aws.region], roleInstances: plan ? roleInstancesOf(plan) : new Map(), account: plan?.account ?? null });
}

/** How host steps reach the hosts: a local root per host (--hosts-root), printed commands (--no-ssm), or SSM Run Command. */
export function hostsFor(_ctx: CliContext, o: ExecutorCommandOptions, aws: AwsContext): HostExecutorChoice {
  if (o.hostsRoot) {
    const root = o.hostsRoot;
    const imds = o.imdsEndpoint?.replace(/\/$/, '');
    return new LocalHostExecutor({ rootFor: (t) => join(root, t.instanceId ?? t.host), ...(imds ? { imdsEndpointFor: (t) => (t.instanceId ? `${imds}/${t.instanceId}` : undefined) } : {}) });
  }
  if (o.ssm === false) return new DescribeHostExecutor();
  return (mutate) => new SsmHostExecutor({ aws, mutate });
}

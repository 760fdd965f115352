// The cutover steps on hosts: a key leaves a file (backed up first, on the host), the services
// that held it restart, tools with their own keys switch to the instance role, and what only
// a person can do pauses the run. Every change goes through the host executor (SSM, or the
// local root) inside ctx.mutate, journaled as host:* calls whose args say what rollback needs:
// the host, the path, the backup's name, the services to restart; never a file's content.
//
// After a key leaves a file, the host is asked which identity the AWS SDK now resolves there
// (the service's environment, the user's profile, or the instance metadata). Anything but the
// workload's role means the workload would lose its credentials or keep the key: the file is
// put back at once and the step fails, which stops the workload.
import { z } from 'zod';
import { isKeyshiftError } from '../../errors.js';
import { HostFileLocation, ServiceEnvLocation } from '../../model/location.js';
import type { PlanStep, Workload } from '../../model/plan.js';
import type { HostTarget } from '../host-executor.js';
import { cutoverFile, type CheckIdentityOp, type HostOp, type HostOpResult, type RestartOp } from '../host/cutover-ops.js';
import { backupIdOf, hostTargetArgs, hostTargetOf } from '../host/host-target.js';
import { describeHostOps, HostOpFailedError, resultOf, runHostOps } from '../host/run-host-ops.js';
import type { CheckResult, Json, StepContext, StepHandler, StepHandlers, StepOutcome } from '../step-handler.js';

const Manager = z.enum(['systemd', 'compose', 'docker']);
const KeyLocation = z.discriminatedUnion('type', [HostFileLocation, ServiceEnvLocation]);
const KeyStepParams = z.object({ location: KeyLocation, accessKeyId: z.string() });
const ToolStepParams = z.object({ location: HostFileLocation, accessKeyId: z.string(), tool: z.string() });
const RestartStepParams = z.object({ host: z.string(), manager: Manager, unit: z.string() });
const ManualStepParams = z.object({ location: HostFileLocation, accessKeyId: z.string() });

type KeyLocation = z.infer<typeof KeyLocation>;

/** A service to restart: what restart-service and the undoer need. */
export type ServiceToRestart = {
  manager: z.infer<typeof Manager>;
  unit: string;
  file?: string | undefined;
};

// What the payload accepts as a user, profile or unit name (cutover.sh, valid_name).
const PAYLOAD_NAME = /^[A-Za-z0-9@._:+=,][A-Za-z0-9@._:+=,-]*$/;

function paramsOf<T>(schema: z.ZodType<T>, step: PlanStep): T {
  const parsed = schema.safeParse(step.params);
  if (!parsed.success) throw new Error(`step ${step.id} (${step.kind}) has params this keyshift does not read: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

// --- remove-host-credential and update-tool-config ---------------------------------------

interface KeyRemoval {
  api: 'host:remove-credential' | 'host:update-tool-config';
  location: KeyLocation;
  accessKeyId: string;
  op: HostOp;
  check: CheckIdentityOp;
}

function removalOf(ctx: StepContext): KeyRemoval {
  const backupId = backupIdOf(ctx.plan.planId, ctx.step.id);
  const role = ctx.workload.role.name;
  if (ctx.step.kind === 'update-tool-config') {
    const p = paramsOf(ToolStepParams, ctx.step);
    // a tool's own config is not the SDK's chain: what it switches to is the instance role
    return { api: 'host:update-tool-config', location: p.location, accessKeyId: p.accessKeyId, op: { op: 'update-tool-config', location: p.location, accessKeyId: p.accessKeyId, tool: p.tool, backupId }, check: { op: 'check-identity', expectRoleName: role } };
  }
  const p = paramsOf(KeyStepParams, ctx.step);
  return { api: 'host:remove-credential', location: p.location, accessKeyId: p.accessKeyId, op: { op: 'remove-credential', location: p.location, accessKeyId: p.accessKeyId, backupId }, check: identityCheck(p.location, role) };
}

/** Whose chain to check once the key is gone: the service's, the profile's user's, or the instance's. */
export function identityCheck(location: KeyLocation, roleName: string): CheckIdentityOp {
  if (location.type === 'service-env') {
    return { op: 'check-identity', expectRoleName: roleName, service: { manager: location.manager, unit: location.unit, file: location.file } };
  }
  const user = awsFileUser(location);
  const profile = location.section === undefined ? undefined : location.format === 'aws-config' ? location.section.replace(/^profile\s+/, '').trim() : location.section.trim();
  if (!user || !PAYLOAD_NAME.test(user) || (profile !== undefined && !PAYLOAD_NAME.test(profile))) return { op: 'check-identity', expectRoleName: roleName };
  return { op: 'check-identity', expectRoleName: roleName, user, ...(profile && { profile }) };
}

/** The user whose shared AWS files these are (~/.aws of a home), if they are. */
function awsFileUser(location: HostFileLocation): string | undefined {
  if (location.format !== 'aws-credentials' && location.format !== 'aws-config') return undefined;
  if (location.path.startsWith('/root/.aws/')) return 'root';
  return /^\/home\/([^/]+)\/\.aws\/[^/]+$/.exec(location.path)?.[1];
}

/** The services restarted after this step (the plan puts this step in their `after`). */
function restartsAfter(workload: Workload, stepId: string): ServiceToRestart[] {
  return workload.steps
    .filter((s) => s.kind === 'restart-service' && s.after.includes(stepId))
    .flatMap((s) => {
      const p = RestartStepParams.safeParse(s.params);
      return p.success ? [{ manager: p.data.manager, unit: p.data.unit, file: composeFileOf(workload, p.data) }] : [];
    });
}

/** The file a compose service's key was removed from: the compose file, or a file next to it. */
function composeFileOf(workload: Workload, service: z.infer<typeof RestartStepParams>): string | undefined {
  if (service.manager !== 'compose') return undefined;
  for (const s of workload.steps) {
    if (s.kind !== 'remove-host-credential') continue;
    const p = KeyStepParams.safeParse(s.params);
    const l = p.success ? p.data.location : undefined;
    if (l?.type === 'service-env' && l.manager === 'compose' && l.host === service.host && l.unit === service.unit && l.file) return l.file;
  }
  return undefined;
}

function keyStepHandler(): StepHandler {
  return {
    async check(ctx) {
      const removal = removalOf(ctx);
      const found = await checkKeyFile(ctx, removal.location, removal.accessKeyId, { backupId: backupIdOf(ctx.plan.planId, ctx.step.id) });
      if (found.state !== 'done') return found;
      // gone, but done only once the identity check holds too: a run interrupted between the
      // removal and the check runs again, and puts the file back if the check fails
      const target = hostTargetOf(removal.location.host, ctx.workload, ctx.step.params.instanceId);
      if (pendingRemovalsOnHost(ctx, target).length > 0) return found;
      const identity = await identityOf(ctx, target, removal.check);
      return identity.status === 'failed' ? { state: 'ready' } : { ...found, output: { ...found.output, identity: identity.identity ?? null } };
    },
    async run(ctx) {
      const removal = removalOf(ctx);
      const target = hostTargetOf(removal.location.host, ctx.workload, ctx.step.params.instanceId);
      const file = cutoverFile(removal.location);
      if (!file) return { status: 'paused', message: `${ctx.step.description}: the file that sets it is not known, so a person removes it` };
      if (ctx.hosts.kind === 'none') {
        return { status: 'paused', message: `${ctx.step.description}: keyshift cannot reach ${target.host}; run these commands on it`, commands: describeHostOps(ctx.hosts, target, [removal.op, removal.check]) };
      }
      const backupId = backupIdOf(ctx.plan.planId, ctx.step.id);
      const where = { ...hostTargetArgs(target), path: file.path, accessKeyId: removal.accessKeyId, backupId };
      let removed: HostOpResult;
      try {
        removed = await ctx.mutate(
          { api: removal.api, region: null, target: `${target.host}:${file.path}`, args: { ...where, format: file.format, services: restartsAfter(ctx.workload, ctx.step.id), previous: { path: file.path, backupId } } },
          () => runOne(ctx, target, removal.op),
          (r) => ({ status: r.status, backupPath: r.backupPath ?? null }),
        );
      } catch (e) {
        return failure(e, `${file.path} on ${target.host}`);
      }

      // the chain is judged once every copy of the workload's keys on this host is gone: before
      // that, another file (root's ~/.aws/credentials) would still answer
      const pending = pendingRemovalsOnHost(ctx, target);
      if (pending.length > 0) {
        return { status: 'done', message: `${removed.message}; the identity check runs once the other ${pending.length} cop${pending.length === 1 ? 'y' : 'ies'} on ${target.host} are removed`, output: { backupId, backupPath: removed.backupPath ?? null, identity: null } };
      }
      const identity = await identityOf(ctx, target, removal.check);
      const output = { backupId, backupPath: removed.backupPath ?? null, identity: identity.identity ?? null };
      if (identity.status !== 'failed') return { status: 'done', message: `${removed.message}; ${identity.message}`, output };
      // every file this workload changed on the host goes back, not only this one
      const restoredOthers = await restoreEarlierRemovals(ctx, target);

      // the workload would lose its credentials, or still use a key: the file goes back now
      if (removed.status === 'unchanged' && !removed.backupPath) return { status: 'failed', message: `${identity.message} (the key was already gone from ${file.path}, and there is no backup to put back)` };
      try {
        await ctx.mutate({ api: 'host:restore', region: null, target: `${target.host}:${file.path}`, args: { ...where, reason: identity.identity ?? 'identity check failed' } }, () =>
          runOne(ctx, target, { op: 'restore', path: file.path, backupId }),
        );
      } catch (e) {
        const restore = failure(e, `${file.path} on ${target.host}`);
        return { status: 'failed', message: `${identity.message}; putting ${file.path} back failed too: ${restore.message}` };
      }
      return { status: 'failed', message: `${identity.message}: ${[file.path, ...restoredOthers].join(', ')} on ${target.host} ${restoredOthers.length > 0 ? 'were' : 'was'} put back from backups` };
    },
  };
}

const REMOVAL_KINDS = new Set(['remove-host-credential', 'update-tool-config']);

/** The workload's other removals on the same host, in any order. */
function removalsOnHost(ctx: StepContext, target: HostTarget): Workload['steps'] {
  return ctx.workload.steps.filter((s) => {
    if (s.id === ctx.step.id || !REMOVAL_KINDS.has(s.kind)) return false;
    const p = KeyStepParams.safeParse(s.params);
    return p.success && hostTargetOf(p.data.location.host, ctx.workload, s.params.instanceId).host === target.host;
  });
}

/** Those not finished yet: the identity check waits for the last of them. */
function pendingRemovalsOnHost(ctx: StepContext, target: HostTarget): string[] {
  return removalsOnHost(ctx, target)
    .filter((s) => ctx.outputOf(s.id) === undefined)
    .map((s) => s.id);
}

/** Puts back the files the workload's finished removals on this host changed; returns their paths. */
async function restoreEarlierRemovals(ctx: StepContext, target: HostTarget): Promise<string[]> {
  const restored: string[] = [];
  for (const s of removalsOnHost(ctx, target)) {
    const p = KeyStepParams.safeParse(s.params);
    const file = p.success ? cutoverFile(p.data.location) : null;
    if (!p.success || !file) continue;
    const backupId = backupIdOf(ctx.plan.planId, s.id);
    try {
      await ctx.mutate({ api: 'host:restore', region: null, target: `${target.host}:${file.path}`, args: { ...hostTargetArgs(target), path: file.path, accessKeyId: p.data.accessKeyId, backupId, reason: 'identity check failed after the last removal' } }, () =>
        runOne(ctx, target, { op: 'restore', path: file.path, backupId }),
      );
      restored.push(file.path);
    } catch {
      // that file stays as it is; the failure message names what was put back
    }
  }
  return restored;
}

/** What the host's SDK chain resolves; a check that could not run counts as failed. */
async function identityOf(ctx: StepContext, target: HostTarget, check: CheckIdentityOp): Promise<HostOpResult> {
  try {
    return resultOf(await runHostOps(ctx.hosts, target, [check], ctx.signal), 'check-identity');
  } catch (e) {
    if (isKeyshiftError(e) && e.kind === 'interrupted') throw e;
    return { op: 'check-identity', status: 'failed', message: `the identity check on ${target.host} did not run: ${(e as Error).message}` };
  }
}

/** ready while the file holds the key, done once it does not, drift when the file is gone. */
async function checkKeyFile(ctx: StepContext, location: KeyLocation, accessKeyId: string, doneOutput: Json): Promise<CheckResult> {
  const found = await keyFileState(ctx, location, accessKeyId);
  switch (found.state) {
    case 'holds':
      return { state: 'ready' };
    case 'gone':
      return { state: 'done', output: doneOutput, message: found.message };
    default:
      return { state: 'drift', message: found.message };
  }
}

/** Whether the file still holds the key, as the host says; unknown when nothing can be asked. */
async function keyFileState(ctx: StepContext, location: KeyLocation, accessKeyId: string): Promise<{ state: 'holds' | 'gone' | 'missing' | 'unknown'; message: string }> {
  const file = cutoverFile(location);
  if (!file || ctx.hosts.kind === 'none') return { state: 'holds', message: 'nothing to ask' }; // the step itself says what to do
  const target = hostTargetOf(location.host, ctx.workload, ctx.step.params.instanceId);
  const r = resultOf(await runHostOps(ctx.hosts, target, [{ op: 'holds-key', path: file.path, accessKeyId }], ctx.signal), 'holds-key');
  switch (r.state) {
    case 'holds':
      return { state: 'holds', message: r.message };
    case 'gone':
      return { state: 'gone', message: `${accessKeyId} is no longer in ${file.path} on ${target.host}` };
    case 'missing':
      return { state: 'missing', message: `${file.path} no longer exists on ${target.host}` };
    default:
      return { state: 'unknown', message: `cannot tell whether ${file.path} on ${target.host} holds ${accessKeyId}: ${r.message}` };
  }
}

// --- restart-service ---------------------------------------------------------------------

const restartService: StepHandler = {
  // a restart has no state of its own to find: it is always the thing to do, and doing it
  // again after a crash between the call and its record is harmless
  async check(): Promise<CheckResult> {
    return { state: 'ready' };
  },
  async run(ctx) {
    const p = paramsOf(RestartStepParams, ctx.step);
    const target = hostTargetOf(p.host, ctx.workload, ctx.step.params.instanceId);
    const op: RestartOp = { op: 'restart', manager: p.manager, unit: p.unit, file: composeFileOf(ctx.workload, p) };
    if (ctx.hosts.kind === 'none') {
      return { status: 'paused', message: `${ctx.step.description}: keyshift cannot reach ${target.host}; run these commands on it`, commands: describeHostOps(ctx.hosts, target, [op]) };
    }
    try {
      const r = await ctx.mutate(
        { api: 'host:restart', region: null, target: `${target.host}:${p.unit}`, args: { ...hostTargetArgs(target), manager: p.manager, unit: p.unit, file: op.file ?? null } },
        () => runOne(ctx, target, op),
        (r) => ({ status: r.status }),
      );
      return { status: 'done', message: r.message };
    } catch (e) {
      return failure(e, `${p.manager} ${p.unit} on ${target.host}`);
    }
  },
};

// --- manual-action -----------------------------------------------------------------------

const manualAction: StepHandler = {
  async check(ctx) {
    // a key in a file (s3fs's password file) is something the host can be asked about
    const p = ManualStepParams.safeParse(ctx.step.params);
    if (!p.success) return { state: 'ready' };
    const found = await keyFileState(ctx, p.data.location, p.data.accessKeyId);
    switch (found.state) {
      case 'holds':
        return { state: 'ready' };
      case 'gone':
      case 'missing': // the file gone takes the key with it
        return { state: 'done', message: found.message };
      default:
        return { state: 'drift', message: found.message };
    }
  },
  async run(ctx): Promise<StepOutcome> {
    return { status: 'paused', message: ctx.step.description };
  },
};

// --- shared ------------------------------------------------------------------------------

/** One op on the host; a failed op throws, so the journal records the call as failed. */
async function runOne(ctx: StepContext, target: HostTarget, op: HostOp): Promise<HostOpResult> {
  const result = resultOf(await runHostOps(ctx.hosts, target, [op], ctx.signal), op.op);
  if (result.status === 'failed') throw new HostOpFailedError(result);
  return result;
}

function failure(e: unknown, what: string): Extract<StepOutcome, { status: 'failed' | 'blocked' }> {
  if (isKeyshiftError(e) && e.kind === 'interrupted') throw e;
  if (isKeyshiftError(e) && e.kind === 'safety-gate') return { status: 'blocked', message: `${what}: ${e.message}` };
  return { status: 'failed', message: `${what}: ${(e as Error).message}` };
}

export const hostHandlers: StepHandlers = {
  'remove-host-credential': keyStepHandler(),
  'update-tool-config': keyStepHandler(),
  'restart-service': restartService,
  'manual-action': manualAction,
};

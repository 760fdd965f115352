// Rollback of the host steps. A key removed from a file (or a tool's config changed) is put
// back from the backup the payload made on the host, byte for byte with its mode and owner,
// and the services that read it are restarted so they pick it up again. The host is asked
// first: no backup means the file was never changed (the payload backs up before it edits),
// and a file that already matches its backup has nothing to undo. Restarts and restores
// themselves have no inverse.
import { KeyshiftError } from '../../errors.js';
import type { Undoer, UndoContext, JournaledCall, Json } from '../step-handler.js';
import type { HostOp, HostOpResult } from '../host/cutover-ops.js';
import { hostTargetArgs, hostTargetFromArgs } from '../host/host-target.js';
import { describeHostOps, HostOpFailedError, resultOf, runHostOps } from '../host/run-host-ops.js';
import type { HostTarget } from '../host-executor.js';
import type { Undoers } from '../step-handler.js';

type Manager = 'systemd' | 'compose' | 'docker';

interface RestoreArgs {
  target: HostTarget;
  path: string;
  backupId: string;
  services: { manager: Manager; unit: string; file?: string }[];
}

function restoreArgs(call: JournaledCall): RestoreArgs {
  const target = hostTargetFromArgs(call.args);
  const { path, backupId } = call.args;
  if (!target || typeof path !== 'string' || typeof backupId !== 'string') {
    throw new KeyshiftError('bad-input', `journal record ${call.seq} (${call.api}) lacks the host, path or backup name rollback needs`);
  }
  return { target, path, backupId, services: servicesOf(call.args.services) };
}

function servicesOf(value: unknown): RestoreArgs['services'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((s: Json) =>
    (s.manager === 'systemd' || s.manager === 'compose' || s.manager === 'docker') && typeof s.unit === 'string'
      ? [{ manager: s.manager as Manager, unit: s.unit, ...(typeof s.file === 'string' && { file: s.file }) }]
      : [],
  );
}

async function runOne(ctx: UndoContext, target: HostTarget, op: HostOp): Promise<HostOpResult> {
  const result = resultOf(await runHostOps(ctx.hosts, target, [op], ctx.signal), op.op);
  if (result.status === 'failed') throw new HostOpFailedError(result);
  return result;
}

const restoreFromBackup: Undoer = {
  async undo(call, ctx) {
    const { target, path, backupId, services } = restoreArgs(call);
    const where = `${path} on ${target.host}`;
    const restore: HostOp = { op: 'restore', path, backupId };
    const restarts: HostOp[] = services.map((s) => ({ op: 'restart', manager: s.manager, unit: s.unit, file: s.file }));
    if (ctx.hosts.kind === 'none') {
      throw new KeyshiftError('safety-gate', `keyshift cannot reach ${target.host} to put ${path} back`, {
        hint: `run on the host:\n${describeHostOps(ctx.hosts, target, [restore, ...restarts]).join('\n')}`,
      });
    }
    const state = resultOf(await runHostOps(ctx.hosts, target, [{ op: 'backup-state', path, backupId }], ctx.signal), 'backup-state');
    switch (state.state) {
      case 'none': {
        // the payload backs a file up before it edits it: no backup, no edit; unless it said it edited
        const changed = call.result?.ok === true && call.result.output.status === 'changed';
        if (changed) throw new KeyshiftError('safety-gate', `the backup ${backupId} of ${where} is gone: the key cannot be put back`, { hint: 'restore the file by hand, from your own backups' });
        return `nothing to undo: ${where} was not changed (no backup ${backupId})`;
      }
      case 'same':
        return `nothing to undo: ${where} is as it was before keyshift changed it`;
      case 'differs':
      case 'missing-file':
        break;
      default:
        throw new KeyshiftError('safety-gate', `cannot tell whether ${where} needs putting back: ${state.message}`);
    }
    const args = { ...hostTargetArgs(target), path, backupId };
    await ctx.mutate({ api: 'host:restore', region: null, target: `${target.host}:${path}`, args }, () => runOne(ctx, target, restore), (r) => ({ status: r.status }));
    const restarted: string[] = [];
    for (const s of services) {
      await ctx.mutate(
        { api: 'host:restart', region: null, target: `${target.host}:${s.unit}`, args: { ...hostTargetArgs(target), manager: s.manager, unit: s.unit, file: s.file ?? null } },
        () => runOne(ctx, target, { op: 'restart', manager: s.manager, unit: s.unit, file: s.file }),
        (r) => ({ status: r.status }),
      );
      restarted.push(`${s.manager} ${s.unit}`);
    }
    return `put ${where} back from backup ${backupId}${restarted.length > 0 ? `, restarted ${restarted.join(', ')}` : ''}`;
  },
};

export const hostUndoers: Undoers = {
  'host:remove-credential': restoreFromBackup,
  'host:update-tool-config': restoreFromBackup,
  'host:restart': {
    async undo(call) {
      return `nothing to undo: a restart has no inverse (${call.target})`;
    },
  },
  'host:restore': {
    async undo(call) {
      return `nothing to undo: ${call.target} was put back from its backup, as it was before`;
    },
  },
};

// The last step of a key: make it Inactive. Never delete: an inactive key can be switched back
// on in seconds if something nobody saw still needed it; deletion is finalize's, later. A key
// with no recorded usage is deactivated only when a person says so.
import { GetAccessKeyLastUsedCommand, paginateListAccessKeys, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import type { AwsContext } from '../../aws/aws-context.js';
import type { CheckResult, StepContext, StepHandler, StepHandlers } from '../step-handler.js';
import { iam, settledOutcome, stepParams, unlessMissing } from './iam-role-handlers.js';

const DeactivateParams = z.object({ accessKeyId: z.string(), userName: z.string().nullable(), requiresConfirmation: z.boolean() });

export type KeyStatus = { state: 'gone'; why: string } | { state: 'present'; userName: string; status: string };

/** The key's status, read from its user's key list; the user is found from the key when the plan does not name one. */
export async function accessKeyStatus(aws: AwsContext, accessKeyId: string, userName: string | null, signal: AbortSignal): Promise<KeyStatus> {
  const user = userName ?? (await unlessMissing(async () => (await iam(aws).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }), { abortSignal: signal })).UserName ?? null));
  if (!user) return { state: 'gone', why: `access key ${accessKeyId} no longer exists` };
  const keys = await unlessMissing(async () => {
    const found: { id: string; status: string }[] = [];
    for await (const page of paginateListAccessKeys({ client: iam(aws) }, { UserName: user }, { abortSignal: signal })) {
      for (const k of page.AccessKeyMetadata ?? []) if (k.AccessKeyId) found.push({ id: k.AccessKeyId, status: k.Status ?? 'unknown' });
    }
    return found;
  });
  if (!keys) return { state: 'gone', why: `user ${user} of access key ${accessKeyId} no longer exists` };
  const key = keys.find((k) => k.id === accessKeyId);
  if (!key) return { state: 'gone', why: `access key ${accessKeyId} of ${user} no longer exists` };
  return { state: 'present', userName: user, status: key.status };
}

/** The step's state, and the key's user as IAM knows it (the plan may not name one). */
async function keyState(ctx: StepContext): Promise<{ result: CheckResult; userName: string | null }> {
  const p = stepParams(DeactivateParams, ctx.step);
  const key = await accessKeyStatus(ctx.aws, p.accessKeyId, p.userName, ctx.signal);
  if (key.state === 'gone') return { result: { state: 'drift', message: key.why }, userName: null };
  const { userName, status } = key;
  if (status === 'Inactive') return { result: { state: 'done', output: { accessKeyId: p.accessKeyId, userName, status }, message: `access key ${p.accessKeyId} of ${userName} is already inactive` }, userName };
  if (status === 'Active') return { result: { state: 'ready' }, userName };
  return { result: { state: 'drift', message: `access key ${p.accessKeyId} of ${userName} has status ${status}` }, userName };
}

const deactivateAccessKey: StepHandler = {
  async check(ctx) {
    return (await keyState(ctx)).result;
  },

  async run(ctx) {
    const p = stepParams(DeactivateParams, ctx.step);
    const { result: now, userName } = await keyState(ctx);
    const settled = settledOutcome(now);
    if (settled) return settled;
    if (userName === null) return { status: 'blocked', message: `access key ${p.accessKeyId} has no user` };
    if (p.requiresConfirmation) {
      const yes = await ctx.host.confirm({
        id: 'deactivate-unused-key',
        message: `Deactivate access key ${p.accessKeyId} of ${userName}? No use of it was recorded, so keyshift cannot tell whether something still needs it (rollback reactivates it).`,
        default: false,
      });
      if (!yes) return { status: 'blocked', message: `access key ${p.accessKeyId} of ${userName} had no recorded use and its deactivation was not confirmed; it stays active` };
    }
    await ctx.iamWrites.take();
    await ctx.mutate(
      { api: 'iam:UpdateAccessKey', region: null, target: p.accessKeyId, args: { accessKeyId: p.accessKeyId, userName, status: 'Inactive', previous: 'Active' } },
      () => iam(ctx.aws).send(new UpdateAccessKeyCommand({ AccessKeyId: p.accessKeyId, UserName: userName, Status: 'Inactive' })),
      () => ({ accessKeyId: p.accessKeyId, status: 'Inactive' }),
    );
    return { status: 'done', message: `deactivated access key ${p.accessKeyId} of ${userName} (not deleted)`, output: { accessKeyId: p.accessKeyId, userName, status: 'Inactive' } };
  },
};

export const deactivateKeyHandlers: StepHandlers = { 'deactivate-access-key': deactivateAccessKey };

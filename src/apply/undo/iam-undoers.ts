// Rollback of the IAM steps and of the resource and trust policy changes: each journaled call is
// undone by reading the live state first, so running rollback twice (or after a crash mid-call)
// is safe. Only resources tagged keyshift:plan=<this plan> are deleted; anything else is left,
// and the message says so. Calls run in reverse order, so a role's attachments and profile are
// normally gone before the role; deleting it still copes with what this plan left on it.
import {
  DeleteInstanceProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  paginateListEntitiesForPolicy,
  paginateListInstanceProfilesForRole,
  paginateListPolicyVersions,
  RemoveRoleFromInstanceProfileCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { KeyshiftError } from '../../errors.js';
import { PLAN_TAG } from '../../plan/plan-id.js';
import { errorName } from '../../scan/aws/iam/expected-errors.js';
import { accessKeyStatus } from '../handlers/deactivate-key-handler.js';
import { attachedPolicyArns, iam, nameInArn, planTagged, policyDocument, readInstanceProfile, readPolicy, readRole, samePolicy } from '../handlers/iam-role-handlers.js';
import { POLICY_ACCESS, POLICY_RESOURCE_TYPES, withPrincipalRemoved, type PolicyResourceType } from '../handlers/resource-policy-handlers.js';
import type { JournaledCall, UndoContext, Undoer, Undoers } from '../step-handler.js';

function arg(call: JournaledCall, name: string): string {
  const value = call.args[name];
  if (typeof value !== 'string') throw new KeyshiftError('internal', `journal record ${call.seq} (${call.api}) has no ${name}`);
  return value;
}

/**
 * A call AWS refused changed nothing. Not so for creates: when a create's answer is lost, the
 * SDK sends it again and the retry is refused as "already exists", so the undoers of creates
 * read the live state instead, and the plan tag decides what this plan made.
 */
function failedCall(call: JournaledCall): string | null {
  return call.result && !call.result.ok ? `nothing to undo: ${call.api} on ${call.target} failed` : null;
}

const notOurs = (what: string, planId: string) => `left ${what}: it is not tagged ${PLAN_TAG}=${planId}, so this plan did not create it`;

async function detach(ctx: UndoContext, roleName: string, policyArn: string): Promise<void> {
  await ctx.iamWrites.take();
  await ctx.mutate({ api: 'iam:DetachRolePolicy', region: null, target: policyArn, args: { roleName, policyArn } }, () => iam(ctx.aws).send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })));
}

async function removeFromProfile(ctx: UndoContext, profileName: string, profileArn: string, roleName: string): Promise<void> {
  await ctx.iamWrites.take();
  await ctx.mutate(
    { api: 'iam:RemoveRoleFromInstanceProfile', region: null, target: profileArn, args: { instanceProfileName: profileName, roleName } },
    () => iam(ctx.aws).send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName })),
  );
}

const isDeleteConflict = (e: unknown): boolean => errorName(e) === 'DeleteConflictException' || errorName(e) === 'DeleteConflict';

/** Takes off a role what this plan put on it (its policies, its profiles); anything else stops the deletion. */
async function clearRole(ctx: UndoContext, roleName: string): Promise<void> {
  const foreign: string[] = [];
  for (const policyArn of (await attachedPolicyArns(ctx.aws, roleName, ctx.signal)) ?? []) {
    const policy = await readPolicy(ctx.aws, policyArn, ctx.signal);
    if (policy && planTagged(policy.Tags, ctx.plan.planId)) await detach(ctx, roleName, policyArn);
    else foreign.push(`policy ${policyArn}`);
  }
  const profiles: string[] = [];
  for await (const page of paginateListInstanceProfilesForRole({ client: iam(ctx.aws) }, { RoleName: roleName }, { abortSignal: ctx.signal })) {
    for (const p of page.InstanceProfiles ?? []) if (p.InstanceProfileName) profiles.push(p.InstanceProfileName);
  }
  for (const name of profiles) {
    const profile = await readInstanceProfile(ctx.aws, name, ctx.signal);
    if (profile && planTagged(profile.Tags, ctx.plan.planId)) await removeFromProfile(ctx, name, profile.Arn ?? name, roleName);
    else foreign.push(`instance profile ${name}`);
  }
  if (foreign.length > 0) {
    throw new KeyshiftError('safety-gate', `left role ${roleName}: ${foreign.join(', ')} still use it and this plan did not create them`, {
      hint: `detach or remove them from ${roleName} if they are no longer needed, then run rollback again`,
    });
  }
}

const deleteRole: Undoer = {
  async undo(call, ctx) {
    const roleName = arg(call, 'roleName');
    const role = await readRole(ctx.aws, roleName, ctx.signal);
    if (!role) return `nothing to undo: role ${roleName} does not exist`;
    if (!planTagged(role.Tags, ctx.plan.planId)) return notOurs(`role ${roleName}`, ctx.plan.planId);
    const send = async () => {
      await ctx.iamWrites.take();
      await ctx.mutate({ api: 'iam:DeleteRole', region: null, target: call.target, args: { roleName } }, () => iam(ctx.aws).send(new DeleteRoleCommand({ RoleName: roleName })));
    };
    try {
      await send();
    } catch (e) {
      if (!isDeleteConflict(e)) throw e;
      await clearRole(ctx, roleName);
      await send();
    }
    return `deleted role ${roleName}`;
  },
};

/** Detaches a policy from the roles this plan created; any other attachment stops the deletion. */
async function clearPolicy(ctx: UndoContext, policyArn: string): Promise<void> {
  const foreign: string[] = [];
  for await (const page of paginateListEntitiesForPolicy({ client: iam(ctx.aws) }, { PolicyArn: policyArn }, { abortSignal: ctx.signal })) {
    for (const r of page.PolicyRoles ?? []) {
      const role = r.RoleName ? await readRole(ctx.aws, r.RoleName, ctx.signal) : null;
      if (role?.RoleName && planTagged(role.Tags, ctx.plan.planId)) await detach(ctx, role.RoleName, policyArn);
      else foreign.push(`role ${r.RoleName ?? '?'}`);
    }
    for (const u of page.PolicyUsers ?? []) foreign.push(`user ${u.UserName ?? '?'}`);
    for (const g of page.PolicyGroups ?? []) foreign.push(`group ${g.GroupName ?? '?'}`);
  }
  if (foreign.length > 0) {
    throw new KeyshiftError('safety-gate', `left policy ${policyArn}: it is attached to ${foreign.join(', ')}, which this plan did not create`, {
      hint: 'detach it there if it is no longer needed, then run rollback again',
    });
  }
}

const deletePolicy: Undoer = {
  async undo(call, ctx) {
    const policyArn = call.target;
    const policy = await readPolicy(ctx.aws, policyArn, ctx.signal);
    if (!policy) return `nothing to undo: policy ${policyArn} does not exist`;
    if (!planTagged(policy.Tags, ctx.plan.planId)) return notOurs(`policy ${policyArn}`, ctx.plan.planId);
    // IAM deletes a policy only once its other versions are gone
    const versions: string[] = [];
    for await (const page of paginateListPolicyVersions({ client: iam(ctx.aws) }, { PolicyArn: policyArn }, { abortSignal: ctx.signal })) {
      for (const v of page.Versions ?? []) if (v.VersionId && !v.IsDefaultVersion) versions.push(v.VersionId);
    }
    for (const versionId of versions) {
      await ctx.iamWrites.take();
      await ctx.mutate({ api: 'iam:DeletePolicyVersion', region: null, target: policyArn, args: { policyArn, versionId } }, () => iam(ctx.aws).send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })));
    }
    const send = async () => {
      await ctx.iamWrites.take();
      await ctx.mutate({ api: 'iam:DeletePolicy', region: null, target: policyArn, args: { policyArn } }, () => iam(ctx.aws).send(new DeletePolicyCommand({ PolicyArn: policyArn })));
    };
    try {
      await send();
    } catch (e) {
      if (!isDeleteConflict(e)) throw e;
      await clearPolicy(ctx, policyArn);
      await send();
    }
    return `deleted policy ${policyArn}`;
  },
};

const detachPolicy: Undoer = {
  async undo(call, ctx) {
    const failed = failedCall(call);
    if (failed) return failed;
    const roleName = arg(call, 'roleName');
    const policyArn = arg(call, 'policyArn');
    const attached = await attachedPolicyArns(ctx.aws, roleName, ctx.signal);
    if (attached === null) return `nothing to undo: role ${roleName} does not exist`;
    if (!attached.includes(policyArn)) return `nothing to undo: ${nameInArn(policyArn)} is not attached to role ${roleName}`;
    await detach(ctx, roleName, policyArn);
    return `detached ${nameInArn(policyArn)} from role ${roleName}`;
  },
};

const deleteInstanceProfile: Undoer = {
  async undo(call, ctx) {
    const name = arg(call, 'instanceProfileName');
    const profile = await readInstanceProfile(ctx.aws, name, ctx.signal);
    if (!profile) return `nothing to undo: instance profile ${name} does not exist`;
    if (!planTagged(profile.Tags, ctx.plan.planId)) return notOurs(`instance profile ${name}`, ctx.plan.planId);
    for (const r of profile.Roles ?? []) {
      const roleName = r.RoleName ?? '?';
      const role = await readRole(ctx.aws, roleName, ctx.signal);
      if (!role || !planTagged(role.Tags, ctx.plan.planId)) {
        throw new KeyshiftError('safety-gate', `left instance profile ${name}: it holds role ${roleName}, which this plan did not create`, { hint: `remove ${roleName} from ${name} if it is no longer needed, then run rollback again` });
      }
      await removeFromProfile(ctx, name, profile.Arn ?? call.target, roleName);
    }
    await ctx.iamWrites.take();
    await ctx.mutate({ api: 'iam:DeleteInstanceProfile', region: null, target: call.target, args: { instanceProfileName: name } }, () => iam(ctx.aws).send(new DeleteInstanceProfileCommand({ InstanceProfileName: name })));
    return `deleted instance profile ${name}`;
  },
};

const removeRoleFromProfile: Undoer = {
  async undo(call, ctx) {
    const failed = failedCall(call);
    if (failed) return failed;
    const name = arg(call, 'instanceProfileName');
    const roleName = arg(call, 'roleName');
    const profile = await readInstanceProfile(ctx.aws, name, ctx.signal);
    if (!profile) return `nothing to undo: instance profile ${name} does not exist`;
    if (!(profile.Roles ?? []).some((r) => r.RoleName === roleName)) return `nothing to undo: instance profile ${name} does not hold role ${roleName}`;
    await removeFromProfile(ctx, name, profile.Arn ?? call.target, roleName);
    return `removed role ${roleName} from instance profile ${name}`;
  },
};

/**
 * Puts back a resource or trust policy. When the live policy is exactly what apply wrote (the
 * previous one plus the role), the previous text goes back verbatim; when someone changed it
 * since, only the role apply added is taken out, and their change is kept.
 */
const restorePolicy: Undoer = {
  async undo(call, ctx) {
    const failed = failedCall(call);
    if (failed) return failed;
    const resourceType = call.args.resourceType as PolicyResourceType;
    if (!POLICY_RESOURCE_TYPES.includes(resourceType)) throw new KeyshiftError('internal', `journal record ${call.seq} (${call.api}) has no known resourceType`);
    const previous = arg(call, 'previous');
    const add = arg(call, 'addPrincipal');
    const nextTo = arg(call, 'nextToPrincipal');
    const access = POLICY_ACCESS[resourceType];
    const place = { resourceType, arn: call.target, region: call.region };
    const what = `${access.noun} ${call.target}`;
    const live = await access.read(ctx.aws, place, ctx.signal);
    if (live.state === 'gone') return `nothing to undo: ${what} no longer exists`;
    if (live.text === null) return `nothing to undo: ${what} has no policy now; left as it is`;
    const now = policyDocument(live.text);
    const before = policyDocument(previous);
    if (samePolicy(now, before)) return `nothing to undo: the policy of ${what} is already the previous one`;
    const reverted = withPrincipalRemoved(now, add, nextTo);
    if (samePolicy(reverted, now)) return `nothing to undo: ${nameInArn(add)} is no longer next to ${nameInArn(nextTo)} in the policy of ${what}`;
    const exact = samePolicy(reverted, before);
    const text = exact ? previous : JSON.stringify(reverted);
    if (resourceType === 'role-trust') await ctx.iamWrites.take();
    await ctx.mutate({ api: access.api, region: call.region, target: call.target, args: { resourceType, policy: text, previous: live.text } }, () => access.write(ctx.aws, place, live.handle, text));
    return exact
      ? `put back the previous policy of ${what}`
      : `the policy of ${what} changed since apply: took out only ${nameInArn(add)} next to ${nameInArn(nextTo)} and kept the other changes`;
  },
};

const reactivateKey: Undoer = {
  async undo(call, ctx) {
    const failed = failedCall(call);
    if (failed) return failed;
    const accessKeyId = arg(call, 'accessKeyId');
    const userName = typeof call.args.userName === 'string' ? call.args.userName : null;
    const previous = call.args.previous === 'Inactive' ? 'Inactive' : 'Active';
    const key = await accessKeyStatus(ctx.aws, accessKeyId, userName, ctx.signal);
    if (key.state === 'gone') return `nothing to undo: ${key.why}`;
    if (key.status === previous) return `nothing to undo: access key ${accessKeyId} of ${key.userName} is ${previous.toLowerCase()}`;
    await ctx.iamWrites.take();
    await ctx.mutate(
      { api: 'iam:UpdateAccessKey', region: null, target: accessKeyId, args: { accessKeyId, userName: key.userName, status: previous, previous: key.status } },
      () => iam(ctx.aws).send(new UpdateAccessKeyCommand({ AccessKeyId: accessKeyId, UserName: key.userName, Status: previous })),
    );
    return `${previous === 'Active' ? 'reactivated' : 'deactivated'} access key ${accessKeyId} of ${key.userName}`;
  },
};

export const iamUndoers: Undoers = {
  'iam:CreateRole': deleteRole,
  'iam:CreatePolicy': deletePolicy,
  'iam:AttachRolePolicy': detachPolicy,
  'iam:CreateInstanceProfile': deleteInstanceProfile,
  'iam:AddRoleToInstanceProfile': removeRoleFromProfile,
  'iam:UpdateAssumeRolePolicy': restorePolicy,
  's3:PutBucketPolicy': restorePolicy,
  'sqs:SetQueueAttributes': restorePolicy,
  'sns:SetTopicAttributes': restorePolicy,
  'kms:PutKeyPolicy': restorePolicy,
  'secretsmanager:PutResourcePolicy': restorePolicy,
  'ecr:SetRepositoryPolicy': restorePolicy,
  'iam:UpdateAccessKey': reactivateKey,
};

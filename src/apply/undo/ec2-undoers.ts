// Rollback of the EC2 and Auto Scaling calls of apply. Each undoer reads the live state first:
// when it already is what the call found (`args.previous`), there is nothing to undo; when it
// is what the call made, it is put back; when someone has changed it since, it is left alone
// and the message says so (rollback restores keyshift's changes, never someone else's).
// All of them can run again after a crash without harm.
import { AutoScalingClient, UpdateAutoScalingGroupCommand, paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import {
  AssociateIamInstanceProfileCommand,
  DeleteLaunchTemplateVersionsCommand,
  DisassociateIamInstanceProfileCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  ModifyLaunchTemplateCommand,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { badInput, KeyshiftError } from '../../errors.js';
import type { JournaledCall, UndoContext, Undoers } from '../step-handler.js';
import { DEFAULT_METADATA_TIMING, modifyRequest, readMetadataOptions, waitUntilApplied, type MetadataOptionsSnapshot } from '../handlers/imdsv2-handler.js';
import { groupLaunchTemplate, markedVersions, readVersion, templateState, versionMarker } from '../handlers/launch-template-handlers.js';
import { DEFAULT_ASSOCIATION_TIMING, isPlannedProfile, liveAssociations, profileNameOf, waitUntilAssociated } from '../handlers/profile-association-handlers.js';

function argsOf<T>(call: JournaledCall, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(call.args);
  if (!parsed.success) throw badInput(`journal record ${call.seq} (${call.api}) has malformed arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function regionOf(call: JournaledCall): string {
  if (!call.region) throw badInput(`journal record ${call.seq} (${call.api}) has no region`);
  return call.region;
}

/** What a call's result recorded, when it got that far. */
function outputOf(call: JournaledCall, name: string): unknown {
  return call.result?.ok ? call.result.output[name] : undefined;
}

const AssociateArgs = z.object({ instanceId: z.string(), instanceProfileName: z.string(), instanceProfileArn: z.string() });
const ReplaceArgs = AssociateArgs.extend({ previous: z.object({ associationId: z.string(), instanceProfileArn: z.string() }) });
const Snapshot = z.object({
  httpTokens: z.string().nullable(),
  httpPutResponseHopLimit: z.number().int().nullable(),
  httpEndpoint: z.string().nullable(),
  httpProtocolIpv6: z.string().nullable(),
  instanceMetadataTags: z.string().nullable(),
});
const MetadataArgs = z.object({ instanceId: z.string(), httpTokens: z.string(), httpPutResponseHopLimit: z.number().int(), previous: Snapshot });
const VersionArgs = z.object({ launchTemplateId: z.string(), previous: z.object({ latestVersion: z.number().int(), defaultVersion: z.number().int() }) });
const DefaultArgs = z.object({ launchTemplateId: z.string(), defaultVersion: z.number().int(), previous: z.object({ defaultVersion: z.number().int() }) });
const GroupArgs = z.object({
  autoScalingGroupName: z.string(),
  launchTemplate: z.object({ id: z.string(), version: z.string() }),
  previous: z.object({ launchTemplateId: z.string().nullable(), launchTemplateName: z.string().nullable().optional(), version: z.string().nullable() }),
});

const disassociate = {
  async undo(call: JournaledCall, ctx: UndoContext): Promise<string> {
    const a = argsOf(call, AssociateArgs);
    const region = regionOf(call);
    const ec2 = ctx.aws.client(EC2Client, region);
    const live = await liveAssociations(ec2, a.instanceId);
    const recorded = outputOf(call, 'associationId');
    const mine = live.find((x) => x.associationId === recorded && isPlannedProfile(x.instanceProfileArn, a)) ?? live.find((x) => isPlannedProfile(x.instanceProfileArn, a));
    if (!mine) {
      return live.length === 0
        ? `nothing to undo: ${a.instanceId} has no instance profile`
        : `nothing to undo: ${a.instanceId} has instance profile ${profileNameOf(live[0]!.instanceProfileArn)}, not ${a.instanceProfileName}; left as it is`;
    }
    await ctx.mutate(
      { api: 'ec2:DisassociateIamInstanceProfile', region, target: a.instanceId, args: { instanceId: a.instanceId, associationId: mine.associationId, instanceProfileName: a.instanceProfileName } },
      () => ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: mine.associationId })),
    );
    return `disassociated instance profile ${a.instanceProfileName} from ${a.instanceId} (${mine.associationId})`;
  },
};

const replaceBack = {
  async undo(call: JournaledCall, ctx: UndoContext): Promise<string> {
    const a = argsOf(call, ReplaceArgs);
    const region = regionOf(call);
    const ec2 = ctx.aws.client(EC2Client, region);
    const previousName = profileNameOf(a.previous.instanceProfileArn);
    const live = await liveAssociations(ec2, a.instanceId);
    if (live.some((x) => x.instanceProfileArn === a.previous.instanceProfileArn)) return `nothing to undo: ${a.instanceId} has instance profile ${previousName}`;
    const mine = live.find((x) => isPlannedProfile(x.instanceProfileArn, a));
    if (live.length === 0) {
      // the plan's profile is gone from the instance too: give it back what it had
      const out = await ctx.mutate(
        { api: 'ec2:AssociateIamInstanceProfile', region, target: a.instanceId, args: { instanceId: a.instanceId, instanceProfileArn: a.previous.instanceProfileArn, previous: null } },
        () => ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: a.instanceId, IamInstanceProfile: { Arn: a.previous.instanceProfileArn } })),
        (r) => ({ associationId: r.IamInstanceProfileAssociation?.AssociationId ?? null }),
      );
      const id = out.IamInstanceProfileAssociation?.AssociationId;
      if (id) await waitUntilAssociated(ec2, id, ctx, DEFAULT_ASSOCIATION_TIMING);
      return `${a.instanceId} had no instance profile: associated ${previousName} again`;
    }
    if (!mine) return `nothing to undo: ${a.instanceId} has instance profile ${profileNameOf(live[0]!.instanceProfileArn)}, neither ${a.instanceProfileName} nor ${previousName}; left as it is`;
    const out = await ctx.mutate(
      {
        api: 'ec2:ReplaceIamInstanceProfileAssociation',
        region,
        target: a.instanceId,
        args: { instanceId: a.instanceId, associationId: mine.associationId, instanceProfileArn: a.previous.instanceProfileArn, previous: { associationId: mine.associationId, instanceProfileArn: mine.instanceProfileArn } },
      },
      () => ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: mine.associationId, IamInstanceProfile: { Arn: a.previous.instanceProfileArn } })),
      (r) => ({ associationId: r.IamInstanceProfileAssociation?.AssociationId ?? null }),
    );
    const id = out.IamInstanceProfileAssociation?.AssociationId;
    const settled = id ? await waitUntilAssociated(ec2, id, ctx, DEFAULT_ASSOCIATION_TIMING) : false;
    return `replaced ${a.instanceId}'s instance profile ${a.instanceProfileName} with ${previousName} again${settled ? '' : ' (still associating)'}`;
  },
};

const sameOptions = (live: MetadataOptionsSnapshot, want: MetadataOptionsSnapshot): boolean =>
  (Object.keys(want) as (keyof MetadataOptionsSnapshot)[]).every((k) => want[k] === null || live[k] === want[k]);

const restoreMetadataOptions = {
  async undo(call: JournaledCall, ctx: UndoContext): Promise<string> {
    const a = argsOf(call, MetadataArgs);
    const region = regionOf(call);
    const ec2 = ctx.aws.client(EC2Client, region);
    const live = await readMetadataOptions(ec2, a.instanceId);
    if (!live) return `nothing to undo: instance ${a.instanceId} no longer exists`;
    if (sameOptions(live, a.previous)) return `nothing to undo: ${a.instanceId}'s metadata options are as they were (HttpTokens ${live.httpTokens})`;
    if (live.httpTokens !== a.httpTokens || live.httpPutResponseHopLimit !== a.httpPutResponseHopLimit) {
      return `nothing to undo: ${a.instanceId}'s metadata options were changed since (HttpTokens ${live.httpTokens}, hop limit ${live.httpPutResponseHopLimit}); left as they are`;
    }
    const { state: _state, ...current } = live;
    await ctx.mutate(
      { api: 'ec2:ModifyInstanceMetadataOptions', region, target: a.instanceId, args: { instanceId: a.instanceId, ...a.previous, previous: current } },
      () => ec2.send(new ModifyInstanceMetadataOptionsCommand(modifyRequest(a.instanceId, a.previous))),
    );
    const applied = await waitUntilApplied(ec2, a.instanceId, ctx, DEFAULT_METADATA_TIMING);
    return `restored ${a.instanceId}'s metadata options (HttpTokens ${a.previous.httpTokens}, hop limit ${a.previous.httpPutResponseHopLimit})${applied ? '' : '; the change is still pending'}`;
  },
};

async function setDefaultVersion(ctx: UndoContext, ec2: EC2Client, region: string, launchTemplateId: string, version: number, current: number): Promise<void> {
  await ctx.mutate(
    { api: 'ec2:ModifyLaunchTemplate', region, target: launchTemplateId, args: { launchTemplateId, defaultVersion: version, previous: { defaultVersion: current } } },
    () => ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: launchTemplateId, DefaultVersion: String(version) })),
    (r) => ({ defaultVersion: r.LaunchTemplate?.DefaultVersionNumber ?? null }),
  );
}

/** Groups in the region that launch from exactly this version: deleting it would break their launches. */
async function groupsUsingVersion(autoScaling: AutoScalingClient, launchTemplateId: string, version: number): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateDescribeAutoScalingGroups({ client: autoScaling, pageSize: 100 }, {})) {
    for (const g of page.AutoScalingGroups ?? []) {
      const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      if (spec?.LaunchTemplateId === launchTemplateId && spec.Version === String(version) && g.AutoScalingGroupName) names.push(g.AutoScalingGroupName);
    }
  }
  return names;
}

const deleteVersion = {
  async undo(call: JournaledCall, ctx: UndoContext): Promise<string> {
    const a = argsOf(call, VersionArgs);
    const region = regionOf(call);
    const ec2 = ctx.aws.client(EC2Client, region);
    const t = await templateState(ec2, a.launchTemplateId);
    if (!t) return `nothing to undo: launch template ${a.launchTemplateId} no longer exists`;
    const recorded = outputOf(call, 'version');
    const versions = typeof recorded === 'number' ? [recorded] : await markedVersions(ec2, a.launchTemplateId, ctx.plan.planId, a.previous.latestVersion, t.latestVersion);
    const deleted: number[] = [];
    for (const version of versions) {
      const found = await readVersion(ec2, a.launchTemplateId, version);
      if (!found) continue;
      // only a version this plan made: the recorded number could have been reused after a deletion
      if (found.description !== versionMarker(ctx.plan.planId)) continue;
      const users = await groupsUsingVersion(ctx.aws.client(AutoScalingClient, region), a.launchTemplateId, version);
      if (users.length > 0) {
        throw new KeyshiftError('safety-gate', `version ${version} of ${a.launchTemplateId} cannot be deleted: Auto Scaling group${users.length === 1 ? '' : 's'} ${users.join(', ')} launch${users.length === 1 ? 'es' : ''} from it`, {
          hint: 'point the group at another version (rollback does that for groups keyshift changed), then run rollback again',
        });
      }
      const current = (await templateState(ec2, a.launchTemplateId)) ?? t;
      // the default version cannot be deleted: the one it was before comes back first
      if (current.defaultVersion === version) await setDefaultVersion(ctx, ec2, region, a.launchTemplateId, a.previous.defaultVersion, current.defaultVersion);
      const out = await ctx.mutate(
        { api: 'ec2:DeleteLaunchTemplateVersions', region, target: a.launchTemplateId, args: { launchTemplateId: a.launchTemplateId, versions: [version] } },
        () => ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: a.launchTemplateId, Versions: [String(version)] })),
        (r) => ({ deleted: (r.SuccessfullyDeletedLaunchTemplateVersions ?? []).map((v) => v.VersionNumber ?? null) }),
      );
      const failure = (out.UnsuccessfullyDeletedLaunchTemplateVersions ?? []).find((v) => v.VersionNumber === version);
      if (failure && !/notfound|doesnotexist/i.test(failure.ResponseError?.Code ?? '')) {
        throw new KeyshiftError('aws-refused', `EC2 did not delete version ${version} of ${a.launchTemplateId}: ${failure.ResponseError?.Code ?? 'unknown'} ${failure.ResponseError?.Message ?? ''}`.trim());
      }
      deleted.push(version);
    }
    if (deleted.length === 0) return `nothing to undo: ${a.launchTemplateId} has no version made by ${ctx.plan.planId}`;
    return `deleted version${deleted.length === 1 ? '' : 's'} ${deleted.join(', ')} of ${a.launchTemplateId}`;
  },
};

const restoreDefaultVersion = {
  async undo(call: JournaledCall, ctx: UndoContext): Promise<string> {
    const a = argsOf(call, DefaultArgs);
    const region = regionOf(call);
    const ec2 = ctx.aws.client(EC2Client, region);
    const t = await templateState(ec2, a.launchTemplateId);
    if (!t) return `nothing to undo: launch template ${a.launchTemplateId} no longer exists`;
    if (t.defaultVersion === a.previous.defaultVersion) return `nothing to undo: ${a.launchTemplateId}'s default version is ${t.defaultVersion}`;
    if (t.defaultVersion !== a.defaultVersion) return `nothing to undo: ${a.launchTemplateId}'s default version was changed since (to ${t.defaultVersion}); left as it is`;
    if (!(await readVersion(ec2, a.launchTemplateId, a.previous.defaultVersion))) {
      return `cannot restore ${a.launchTemplateId}'s default version: version ${a.previous.defaultVersion} no longer exists; left at ${t.defaultVersion}`;
    }
    await setDefaultVersion(ctx, ec2, region, a.launchTemplateId, a.previous.defaultVersion, t.defaultVersion);
    return `${a.launchTemplateId}'s default version is ${a.previous.defaultVersion} again`;
  },
};

const restoreGroupLaunchTemplate = {
  async undo(call: JournaledCall, ctx: UndoContext): Promise<string> {
    const a = argsOf(call, GroupArgs);
    const region = regionOf(call);
    const autoScaling = ctx.aws.client(AutoScalingClient, region);
    const live = await groupLaunchTemplate(autoScaling, a.autoScalingGroupName);
    if (!live) return `nothing to undo: Auto Scaling group ${a.autoScalingGroupName} no longer exists`;
    const prev = a.previous;
    if (live.launchTemplateId === prev.launchTemplateId && live.version === prev.version) return `nothing to undo: ${a.autoScalingGroupName} launches from its previous launch template version`;
    if (live.launchTemplateId !== a.launchTemplate.id || live.version !== a.launchTemplate.version) {
      return `nothing to undo: ${a.autoScalingGroupName}'s launch template was changed since (to ${live.launchTemplateId} version ${live.version}); left as it is`;
    }
    if (prev.launchTemplateId === null) return `cannot restore ${a.autoScalingGroupName}: the journal does not say which launch template it used before`;
    const launchTemplateId = prev.launchTemplateId;
    await ctx.mutate(
      {
        api: 'autoscaling:UpdateAutoScalingGroup',
        region,
        target: a.autoScalingGroupName,
        args: { autoScalingGroupName: a.autoScalingGroupName, launchTemplate: { id: launchTemplateId, version: prev.version }, previous: { launchTemplateId: live.launchTemplateId, version: live.version } },
      },
      // a spec without a version is what the group had when it had none ($Default, unshown)
      () => autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: a.autoScalingGroupName, LaunchTemplate: { LaunchTemplateId: launchTemplateId, ...(prev.version !== null && { Version: prev.version }) } })),
    );
    return `${a.autoScalingGroupName} launches from ${launchTemplateId} version ${prev.version ?? '(unset: $Default)'} again`;
  },
};

export const ec2Undoers: Undoers = {
  'ec2:AssociateIamInstanceProfile': disassociate,
  'ec2:ReplaceIamInstanceProfileAssociation': replaceBack,
  'ec2:ModifyInstanceMetadataOptions': restoreMetadataOptions,
  'ec2:CreateLaunchTemplateVersion': deleteVersion,
  'ec2:ModifyLaunchTemplate': restoreDefaultVersion,
  'autoscaling:UpdateAutoScalingGroup': restoreGroupLaunchTemplate,
};

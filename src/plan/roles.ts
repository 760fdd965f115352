// One role and one instance profile per workload, and what happens to the profile its instances
// already have (the SSM, CloudWatch or CodeDeploy agent may depend on it):
//   - none: a new role and profile;
//   - one, whose role no instance outside this workload uses (through any of its profiles):
//     that role is extended with the new policies, and the profile stays;
//   - otherwise (shared, or several different ones): a new role that carries every attached
//     policy ARN of the existing roles plus the new policies. Inline policies cannot be carried
//     by ARN, so they block the workload rather than being dropped.
// New roles trust ec2.amazonaws.com only, live under rolePath and carry the permissions
// boundary and keyshift's tags.
import type { IamRole, InventoryDocument } from '../model/inventory.js';
import type { PlanOptions, Workload } from '../model/plan.js';
import { sortedUnique } from './canonical-json.js';
import { roleArn } from './role-name.js';
import type { WorkloadUnit } from './workloads.js';

export const EC2_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export const WORKLOAD_TAG = 'keyshift:workload';
export const REPLACES_TAG = 'keyshift:replaces';
const TAG_VALUE_MAX = 256;

export interface RolePlan {
  role: Workload['role'];
  instanceProfileName: string;
  /** the profile the instances keep (extend-existing), else null: keyshift creates one */
  keptProfileArn: string | null;
  /** managed policies already attached to the extended role (quota per role) */
  existingAttachedCount: number;
  blockers: string[];
  risks: string[];
}

export function planRole(unit: WorkloadUnit, roleName: string, keys: readonly string[], inventory: InventoryDocument, options: PlanOptions): RolePlan {
  const tags = roleTags(unit.id, keys, options);
  const boundary = options.permissionsBoundaryArn;
  const fresh: RolePlan = {
    role: {
      name: roleName,
      path: options.rolePath,
      arn: roleArn(inventory.account, options.rolePath, roleName),
      mode: 'new',
      existingRoleName: null,
      carriedPolicyArns: [],
      trustPolicy: EC2_TRUST_POLICY,
      permissionsBoundaryArn: boundary,
      tags,
    },
    instanceProfileName: roleName,
    keptProfileArn: null,
    existingAttachedCount: 0,
    blockers: [],
    risks: [],
  };

  const profiles = inventory.iam.instanceProfiles;
  const currentArns = sortedUnique([
    ...unit.instances.flatMap((i) => (i.instanceProfile ? [i.instanceProfile.arn] : [])),
    ...launchTemplateProfiles(unit, profiles),
  ]);
  if (currentArns.length === 0) return fresh;

  const roles: IamRole[] = [];
  for (const arn of currentArns) {
    const profile = profiles.find((p) => p.arn === arn);
    if (!profile) {
      fresh.blockers.push(`instance profile ${arn} is not in the inventory: what its role grants cannot be carried over; re-run scan aws with IAM read access`);
      continue;
    }
    for (const name of profile.roles) {
      const role = inventory.iam.roles.find((r) => r.roleName === name);
      if (role) roles.push(role);
      else fresh.blockers.push(`role ${name} of instance profile ${profile.name} is not in the inventory: its policies cannot be carried over`);
    }
  }
  if (fresh.blockers.length > 0 || roles.length === 0) return fresh;

  const own = new Set(unit.instances.map((i) => i.instanceId));
  const only = roles.length === 1 && currentArns.length === 1 ? roles[0] : undefined;
  if (only && roleUsedOnlyBy(only, own, inventory)) {
    const profile = profiles.find((p) => p.arn === currentArns[0]);
    if (boundary !== null && only.permissionsBoundary !== boundary) {
      fresh.risks.push(`existing role ${only.roleName} is extended, so its permissions boundary (${only.permissionsBoundary ?? 'none'}) is kept, not ${boundary}`);
    }
    return {
      ...fresh,
      role: {
        ...fresh.role,
        name: only.roleName,
        path: only.path,
        arn: only.arn,
        mode: 'extend-existing',
        existingRoleName: only.roleName,
        trustPolicy: only.trustPolicy,
        permissionsBoundaryArn: only.permissionsBoundary ?? null,
      },
      instanceProfileName: profile?.name ?? roleName,
      keptProfileArn: currentArns[0] ?? null,
      existingAttachedCount: only.attachedPolicies.length,
    };
  }

  const carried = sortedUnique(roles.flatMap((r) => r.attachedPolicies.map((p) => p.policyArn)));
  for (const r of roles) {
    if (r.inlinePolicies.length > 0) {
      fresh.blockers.push(
        `existing role ${r.roleName} is shared with instances outside this workload and has inline policies (${r.inlinePolicies.map((p) => p.policyName).sort().join(', ')}) a new role cannot carry by ARN: make them managed policies, then plan again`,
      );
    }
  }
  const names = sortedUnique(roles.map((r) => r.roleName));
  fresh.risks.push(`the instances' current role${names.length > 1 ? 's' : ''} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} used outside this workload or not the same on every instance: a new role carries ${carried.length} attached polic${carried.length === 1 ? 'y' : 'ies'} from ${names.length > 1 ? 'them' : 'it'}`);
  return { ...fresh, role: { ...fresh.role, mode: 'new-with-carried-policies', existingRoleName: names.join(','), carriedPolicyArns: carried } };
}

/** Whether every instance holding the role, through any of its profiles, is in this workload. */
function roleUsedOnlyBy(role: IamRole, own: ReadonlySet<string>, inventory: InventoryDocument): boolean {
  return inventory.iam.instanceProfiles.filter((p) => p.roles.includes(role.roleName)).every((p) => p.instances.every((i) => own.has(i)));
}

function launchTemplateProfiles(unit: WorkloadUnit, profiles: InventoryDocument['iam']['instanceProfiles']): string[] {
  const template = unit.launchTemplate;
  if (!template) return [];
  const wanted = unit.deploymentUnit.launchTemplate?.version;
  const number = wanted === '$Latest' ? template.latestVersion : wanted === undefined || wanted === '$Default' ? template.defaultVersion : Number(wanted);
  const profile = template.versions.find((v) => v.version === number)?.instanceProfile;
  if (!profile) return [];
  if (profile.arn) return [profile.arn];
  const byName = profiles.find((p) => p.name === profile.name);
  return byName ? [byName.arn] : [];
}

function roleTags(workloadId: string, keys: readonly string[], options: PlanOptions): Record<string, string> {
  let replaces = keys.join(' ');
  if (replaces.length > TAG_VALUE_MAX) {
    // a tag value holds 256 characters: name as many keys as fit, then how many more
    const shown: string[] = [];
    for (const k of keys) {
      const candidate = [...shown, k, `+${keys.length - shown.length - 1}`].join(' ');
      if (candidate.length > TAG_VALUE_MAX) break;
      shown.push(k);
    }
    replaces = `${shown.join(' ')} +${keys.length - shown.length}`;
  }
  return { ...options.tags, [WORKLOAD_TAG]: workloadId, [REPLACES_TAG]: replaces };
}

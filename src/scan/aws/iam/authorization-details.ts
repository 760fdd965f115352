// Users, groups, roles and managed policies in one paginated call,
// GetAccountAuthorizationDetails, instead of a dozen calls per user: the benchmark's calls
// per key depends on it. Policy documents arrive URL-encoded and are kept as parsed JSON.
import {
  IAMClient,
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy as SdkAttachedPolicy,
  type GroupDetail,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type RoleDetail,
  type Tag,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { throwIfAborted } from '../../../errors.js';
import type { IamGroup, IamRole, IamUser, InstanceProfile, ManagedPolicy } from '../../../model/inventory.js';
import type { IamScanContext } from './iam-context.js';
import { compareStrings, sortBy } from './order.js';
import { parsePolicyDocument } from './policy-document.js';

export interface AuthorizationDetails {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  managedPolicies: ManagedPolicy[];
  /** the instance profiles that hold a role; ListInstanceProfiles adds the empty ones */
  instanceProfilesOfRoles: InstanceProfile[];
}

type AttachedPolicy = IamUser['attachedPolicies'][number];
type InlinePolicy = IamUser['inlinePolicies'][number];

const PAGE_SIZE = 1000;

function iso(d: Date | undefined): string {
  return (d ?? new Date(0)).toISOString();
}

function tags(list: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of sortBy(list ?? [], (x) => x.Key ?? '')) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function attached(list: SdkAttachedPolicy[] | undefined): AttachedPolicy[] {
  const out = (list ?? []).map((p) => ({ policyName: p.PolicyName ?? '', policyArn: p.PolicyArn ?? '' }));
  return out.sort((a, b) => compareStrings(a.policyName, b.policyName) || compareStrings(a.policyArn, b.policyArn));
}

function inline(list: PolicyDetail[] | undefined): InlinePolicy[] {
  return sortBy(
    (list ?? []).map((p) => ({ policyName: p.PolicyName ?? '', document: parsePolicyDocument(p.PolicyDocument) })),
    (p) => p.policyName,
  );
}

function user(u: UserDetail): IamUser {
  return {
    userName: u.UserName ?? '',
    userId: u.UserId ?? '',
    arn: u.Arn ?? '',
    path: u.Path ?? '/',
    createDate: iso(u.CreateDate),
    groups: [...(u.GroupList ?? [])].sort(compareStrings),
    attachedPolicies: attached(u.AttachedManagedPolicies),
    inlinePolicies: inline(u.UserPolicyList),
    ...(u.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundary: u.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    tags: tags(u.Tags),
  };
}

function group(g: GroupDetail): IamGroup {
  return {
    groupName: g.GroupName ?? '',
    groupId: g.GroupId ?? '',
    arn: g.Arn ?? '',
    attachedPolicies: attached(g.AttachedManagedPolicies),
    inlinePolicies: inline(g.GroupPolicyList),
  };
}

function role(r: RoleDetail): IamRole {
  return {
    roleName: r.RoleName ?? '',
    roleId: r.RoleId ?? '',
    arn: r.Arn ?? '',
    path: r.Path ?? '/',
    trustPolicy: parsePolicyDocument(r.AssumeRolePolicyDocument),
    attachedPolicies: attached(r.AttachedManagedPolicies),
    inlinePolicies: inline(r.RolePolicyList),
    instanceProfiles: (r.InstanceProfileList ?? []).map((p) => p.InstanceProfileName ?? '').sort(compareStrings),
    ...(r.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundary: r.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    tags: tags(r.Tags),
  };
}

function isAwsManaged(arn: string): boolean {
  return /^arn:[a-z-]+:iam::aws:policy\//.test(arn);
}

/** Only the default version's document: the one in force. */
function managedPolicy(p: ManagedPolicyDetail): ManagedPolicy {
  const version = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion) ?? (p.PolicyVersionList ?? []).find((v) => v.VersionId === p.DefaultVersionId);
  const arn = p.Arn ?? '';
  return {
    // moto leaves PolicyName out; the ARN ends with it
    policyName: p.PolicyName ?? arn.slice(arn.lastIndexOf('/') + 1),
    arn,
    path: p.Path ?? '/',
    defaultVersionId: p.DefaultVersionId ?? version?.VersionId ?? '',
    document: parsePolicyDocument(version?.Document),
    attachmentCount: p.AttachmentCount ?? 0,
    awsManaged: isAwsManaged(arn),
  };
}

function instanceProfilesOf(roles: RoleDetail[]): InstanceProfile[] {
  const byArn = new Map<string, InstanceProfile>();
  for (const r of roles) {
    for (const p of r.InstanceProfileList ?? []) {
      const arn = p.Arn ?? '';
      const known = byArn.get(arn);
      const roleNames = (p.Roles ?? []).map((x) => x.RoleName ?? '');
      if (known) known.roles = [...new Set([...known.roles, ...roleNames])].sort(compareStrings);
      else byArn.set(arn, { name: p.InstanceProfileName ?? '', id: p.InstanceProfileId ?? '', arn, path: p.Path ?? '/', roles: [...new Set(roleNames)].sort(compareStrings), instances: [] });
    }
  }
  return sortBy([...byArn.values()], (p) => p.name);
}

export async function readAuthorizationDetails(ctx: IamScanContext): Promise<AuthorizationDetails | undefined> {
  return ctx.incomplete.attempt(
    { action: 'iam:GetAccountAuthorizationDetails', region: null, part: 'IAM users, groups, roles and managed policies, and the access keys of the users' },
    async () => {
      const users: UserDetail[] = [];
      const groups: GroupDetail[] = [];
      const roles: RoleDetail[] = [];
      const policies: ManagedPolicyDetail[] = [];
      const pages = paginateGetAccountAuthorizationDetails(
        { client: ctx.aws.client(IAMClient), pageSize: PAGE_SIZE },
        { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] },
      );
      for await (const page of pages) {
        throwIfAborted(ctx.signal);
        users.push(...(page.UserDetailList ?? []));
        groups.push(...(page.GroupDetailList ?? []));
        roles.push(...(page.RoleDetailList ?? []));
        policies.push(...(page.Policies ?? []));
      }
      return {
        users: sortBy(users.map(user), (u) => u.userName),
        groups: sortBy(groups.map(group), (g) => g.groupName),
        roles: sortBy(roles.map(role), (r) => r.roleName),
        // an AWS managed policy attached to nothing grants nothing: leaving those out keeps
        // the document small where the account's listing includes all of them
        managedPolicies: sortBy(
          policies.filter((p) => !isAwsManaged(p.Arn ?? '') || (p.AttachmentCount ?? 0) > 0).map(managedPolicy),
          (p) => p.arn,
        ),
        instanceProfilesOfRoles: instanceProfilesOf(roles),
      };
    },
  );
}

// Both exports start here: the roles in a fixed order (by workload, policies by name, ARNs
// sorted and unique), so the output does not depend on the order the planner listed them
// in, and the checks that would otherwise surface as a failed apply halfway through.
import { KeyshiftError } from '../../errors.js';
import type { ExportableLaunchTemplateVersion, ExportableRole } from './exportable.js';
import { asJsonObject, type JsonObject } from './json-value.js';

export interface OrderedRole extends Omit<ExportableRole, 'trustPolicy' | 'managedPolicies' | 'launchTemplates'> {
  trustPolicy: JsonObject;
  managedPolicies: { name: string; document: JsonObject }[];
  launchTemplates: ExportableLaunchTemplateVersion[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function orderRoles(roles: ExportableRole[]): OrderedRole[] {
  const ordered = [...roles].sort((a, b) => byText(a.workloadId, b.workloadId)).map(orderRole);
  assertUnique(ordered.map((r) => r.workloadId), 'workload ID');
  assertUnique(ordered.map((r) => r.roleName), 'role name');
  assertUnique(ordered.map((r) => r.instanceProfileName), 'instance profile name');
  assertUnique(ordered.flatMap((r) => r.managedPolicies.map((p) => p.name)), 'policy name');
  assertUnique(ordered.flatMap((r) => r.launchTemplates.map((t) => t.launchTemplateId)), 'launch template');
  return ordered;
}

function orderRole(role: ExportableRole): OrderedRole {
  const where = `workload ${role.workloadId}`;
  assertIamTags(role.tags, where);
  return {
    ...role,
    tags: Object.fromEntries(Object.entries(role.tags).sort(([a], [b]) => byText(a, b))),
    trustPolicy: asJsonObject(role.trustPolicy, `${where}: trust policy`),
    managedPolicies: [...role.managedPolicies]
      .sort((a, b) => byText(a.name, b.name))
      .map((p) => ({ name: p.name, document: asJsonObject(p.document, `${where}: policy ${p.name}`) })),
    existingPolicyArns: [...new Set(role.existingPolicyArns)].sort(byText),
    launchTemplates: [...(role.launchTemplates ?? [])].sort((a, b) => byText(a.launchTemplateId, b.launchTemplateId)),
  };
}

function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new KeyshiftError('internal', `export: the ${what} "${value}" appears twice in the plan`);
    seen.add(value);
  }
}

// IAM's rules for tags on roles, policies and instance profiles
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;

function assertIamTags(tags: Record<string, string>, where: string): void {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw new KeyshiftError('internal', `export: ${where} has ${entries.length} tags; IAM allows ${MAX_TAGS}`);
  for (const [key, value] of entries) {
    const keyOk = key.length >= 1 && key.length <= 128 && TAG_TEXT.test(key) && !key.toLowerCase().startsWith('aws:');
    if (!keyOk) throw new KeyshiftError('internal', `export: ${where} has the tag key ${JSON.stringify(key)}, which IAM does not accept`);
    if (value.length > 256 || !TAG_TEXT.test(value)) {
      throw new KeyshiftError('internal', `export: ${where} has the tag ${key}=${JSON.stringify(value)}, whose value IAM does not accept`);
    }
  }
}

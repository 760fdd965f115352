// Terraform resource labels for one export: letters, digits, `_` and `-`, starting with a
// letter or `_`, unique per resource type (see unique-names.ts for stability).
import { KeyshiftError } from '../../errors.js';
import type { OrderedRole } from './ordered-roles.js';
import { shortPolicyName } from './short-policy-name.js';
import { uniqueNames } from './unique-names.js';

export interface TerraformLabels {
  role(workloadId: string): string;
  policy(workloadId: string, policyName: string): string;
  attachment(workloadId: string, policyRef: string): string;
  launchTemplateVersion(workloadId: string, launchTemplateId: string): string;
}

export function terraformLabel(text: string): string {
  // runs of other characters become one `_`, none left dangling at either end
  const label = text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+(?=.)|(?<=.)_+$/g, '');
  return /^[A-Za-z_]/.test(label) ? label : `_${label}`;
}

const joinSuffix = (base: string, suffix: string): string => `${base}_${suffix}`;
/** the last part of a policy ARN, its name: arn:aws:iam::aws:policy/service-role/X -> X */
const policyNameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1) || arn;

export function terraformLabels(roles: OrderedRole[]): TerraformLabels {
  const roleNames = uniqueNames(
    roles.map((r) => ({ key: r.workloadId, base: terraformLabel(r.workloadId) })),
    joinSuffix,
  );
  const role = (workloadId: string): string => roleNames.get(workloadId) ?? missing('role', workloadId);
  const policies = uniqueNames(
    roles.flatMap((r) => r.managedPolicies.map((p) => ({ key: `${r.workloadId}\n${p.name}`, base: `${role(r.workloadId)}_${terraformLabel(shortPolicyName(r.roleName, p.name))}` }))),
    joinSuffix,
  );
  // attachments of planned policies share their policy's label where they can
  const attachments = uniqueNames(
    roles.flatMap((r) => [
      ...r.managedPolicies.map((p) => ({ key: `${r.workloadId}\n${p.name}`, base: policies.get(`${r.workloadId}\n${p.name}`) ?? '' })),
      ...r.existingPolicyArns.map((arn) => ({ key: `${r.workloadId}\n${arn}`, base: `${role(r.workloadId)}_${terraformLabel(policyNameOf(arn))}` })),
    ]),
    joinSuffix,
  );
  const versions = uniqueNames(
    roles.flatMap((r) => r.launchTemplates.map((t) => ({ key: `${r.workloadId}\n${t.launchTemplateId}`, base: `${role(r.workloadId)}_${terraformLabel(t.launchTemplateId)}` }))),
    joinSuffix,
  );
  return {
    role,
    policy: (w, name) => policies.get(`${w}\n${name}`) ?? missing('policy', name),
    attachment: (w, policyRef) => attachments.get(`${w}\n${policyRef}`) ?? missing('attachment', policyRef),
    launchTemplateVersion: (w, id) => versions.get(`${w}\n${id}`) ?? missing('launch template version', id),
  };
}

function missing(what: string, key: string): never {
  throw new KeyshiftError('internal', `export: no Terraform label for ${what} ${key}`);
}

// Maps a plan's workloads onto what the exports describe. Left out, with the reason returned
// so the CLI can say it: roles keyshift extends instead of creating (the export would have to
// adopt a role it does not own), and launch template versions (their user data must be
// rewritten without the static keys, which `keyshift apply` does from the scan's locations).
import type { PlanDocument } from '../../model/plan.js';
import type { ExportableRole } from './exportable.js';

export interface ExportSelection {
  roles: ExportableRole[];
  leftOut: string[];
}

export function exportableRoles(plan: PlanDocument): ExportSelection {
  const roles: ExportableRole[] = [];
  const leftOut: string[] = [];
  for (const w of plan.workloads) {
    if (w.role.mode === 'extend-existing') {
      leftOut.push(`${w.id}: extends the existing role ${w.role.existingRoleName ?? w.role.name}; attach its policies there`);
      continue;
    }
    roles.push({
      workloadId: w.id,
      roleName: w.role.name,
      rolePath: w.role.path,
      ...(w.role.permissionsBoundaryArn !== null && { permissionsBoundaryArn: w.role.permissionsBoundaryArn }),
      tags: w.role.tags,
      trustPolicy: w.role.trustPolicy,
      managedPolicies: w.policies.map((p) => ({ name: p.name, document: p.document })),
      existingPolicyArns: w.role.carriedPolicyArns,
      instanceProfileName: w.instanceProfileName,
    });
    if (w.steps.some((s) => s.kind === 'create-launch-template-version')) {
      leftOut.push(`${w.id}: the new launch template version (user data without the static keys) is made by keyshift apply`);
    }
  }
  return { roles, leftOut };
}

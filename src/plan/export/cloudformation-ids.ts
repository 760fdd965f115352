// CloudFormation logical IDs for one export: letters and digits only, unique across the
// template's resources (see unique-names.ts for stability).
import { KeyshiftError } from '../../errors.js';
import type { OrderedRole } from './ordered-roles.js';
import { shortPolicyName } from './short-policy-name.js';
import { uniqueNames } from './unique-names.js';

export interface CloudFormationIds {
  role(workloadId: string): string;
  policy(workloadId: string, policyName: string): string;
  instanceProfile(workloadId: string): string;
}

/** "i-0abc (reports)" -> "I0abcReports" */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** logical IDs may be 255 characters; keep room for the collision suffix */
const MAX_BASE = 200;

export function cloudFormationIds(roles: OrderedRole[]): CloudFormationIds {
  const requests = roles.flatMap((r) => {
    const workload = pascalCase(r.workloadId) || 'Workload';
    return [
      { key: `role\n${r.workloadId}`, base: `${workload}Role`.slice(-MAX_BASE) },
      { key: `profile\n${r.workloadId}`, base: `${workload}InstanceProfile`.slice(-MAX_BASE) },
      ...r.managedPolicies.map((p) => ({
        key: `policy\n${r.workloadId}\n${p.name}`,
        base: `${workload}${pascalCase(shortPolicyName(r.roleName, p.name))}Policy`.slice(-MAX_BASE),
      })),
    ];
  });
  const ids = uniqueNames(requests, (base, suffix) => `${base}${suffix}`);
  const get = (key: string): string => {
    const id = ids.get(key);
    if (id === undefined) throw new KeyshiftError('internal', `export: no logical ID for ${key.replace(/\n/g, ' ')}`);
    return id;
  };
  return {
    role: (w) => get(`role\n${w}`),
    policy: (w, name) => get(`policy\n${w}\n${name}`),
    instanceProfile: (w) => get(`profile\n${w}`),
  };
}

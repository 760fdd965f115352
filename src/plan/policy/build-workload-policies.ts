// One workload's permissions for its new role, from its evidence and its key's policies today:
//   observed use ∩ what the key's identity policies allow    (basis observed)
//   + role chains: sts:AssumeRole on each role assumed        (basis assume-role)
//   + denied attempts, on request, where allowed today        (basis denied-requested)
//   + data actions the trail could not see, on known resources (basis unobserved)
// then merged into statements, split into managed policies under IAM's size limit, and linted.
// Everything not granted, and why, is in the notes. The same input gives the same output, byte
// for byte, in whatever order its lists arrive.
import { assumeRoleGrants } from './assume-role-grants.js';
import { resolveActions } from './catalog.js';
import { deniedGrants } from './denied-grants.js';
import { pairId } from './grant.js';
import { LINTED_ACTIONS, lintPolicies } from './lint/lint-policies.js';
import { nonPortableConditions } from './non-portable-conditions.js';
import { observedGrants } from './observed-grants.js';
import type { PolicyInput, PolicyOutput } from './policy-input.js';
import { PrincipalPermissions } from './principal-permissions.js';
import { splitIntoPolicies } from './split-policies.js';
import { buildStatements } from './statements.js';
import { unobservedGrants } from './unobserved-grants.js';

export async function buildWorkloadPolicies(input: PolicyInput): Promise<PolicyOutput> {
  const principal = new PrincipalPermissions(input.principalPolicies, input.requestContext);
  const chains = assumeRoleGrants(principal, input.sessions);
  const observed = await observedGrants(principal, input.observed, input.sessions, input.account);
  const granted = new Set(observed.grants.map((g) => pairId(g.action, g.resource)));
  const denied = await deniedGrants(principal, input.denied, input.sessions, input.includeDenied, granted);
  const unobserved = await unobservedGrants(principal, input.dataEventsRecorded, input.knownResources);

  const statements = buildStatements([...chains.grants, ...observed.grants, ...denied.grants, ...unobserved.grants]);
  const policies = splitIntoPolicies(input.policyNamePrefix, statements);
  const lookup = await resolveActions([...statements.flatMap((s) => s.actions), ...LINTED_ACTIONS]);
  const lint = lintPolicies(policies, lookup);

  const notes = [...chains.notes, ...observed.notes, ...denied.notes, ...unobserved.notes];
  if (statements.length === 0) notes.push(`nothing to grant: the role for ${input.workloadId} gets no permissions policy of its own`);
  if (policies.length > 1) notes.push(`the permissions are split into ${policies.length} managed policies by service to stay under IAM's 6,144 characters each`);
  return { policies, lint, nonPortableConditions: nonPortableConditions(principal), notes: [...new Set(notes)] };
}

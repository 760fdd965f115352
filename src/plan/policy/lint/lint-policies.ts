// Lint for a workload's planned policies: wildcard actions and resources, privilege escalation,
// credential exposure and data exfiltration, size and count. Findings are never accepted here
// (`accepted: false`); the planner flips error-level ones when the plan is run with the option
// that accepts them, and a policy with an unaccepted error is not applied. Escalation methods
// that need several actions are checked across all of the workload's policies, since a split by
// service can put iam:PassRole and lambda:CreateFunction in different ones.
import type { LintFinding, PlannedPolicy } from '../../../model/plan.js';
import { actionCovers } from '../action-cover.js';
import type { ActionLookup } from '../catalog.js';
import { MANAGED_POLICY_MAX_CHARS } from '../policy-document.js';
import { CREDENTIAL_RETURNING_ACTIONS, SECRET_READING_ACTIONS } from './credential-actions.js';
import { DATA_EXFILTRATION_ACTIONS } from './data-exfiltration-actions.js';
import { ESCALATING_ON_ANY_RESOURCE, ESCALATION_METHODS, type EscalationMethod } from './privilege-escalation-methods.js';
import { isUnscoped } from './unscoped-resource.js';

/** A role takes 10 managed policies by default and 20 at most (IAM quotas, adjustable). */
export const MANAGED_POLICIES_PER_ROLE_DEFAULT = 10;
export const MANAGED_POLICIES_PER_ROLE_MAX = 20;

/** Every action the lint rules name: the builder resolves them in the catalog before linting. */
export const LINTED_ACTIONS: readonly string[] = [
  ...new Set([
    ...ESCALATION_METHODS.flatMap((m) => m.actions),
    ...ESCALATING_ON_ANY_RESOURCE,
    ...CREDENTIAL_RETURNING_ACTIONS,
    ...SECRET_READING_ACTIONS,
    ...DATA_EXFILTRATION_ACTIONS,
  ]),
];

type Statement = PlannedPolicy['statements'][number];
type Severity = LintFinding['severity'];

interface Located {
  policy: PlannedPolicy;
  statement: Statement;
}

const isWildcard = (pattern: string) => pattern.includes('*') || pattern.includes('?');

export function lintPolicies(policies: readonly PlannedPolicy[], lookup: ActionLookup): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (severity: Severity, code: string, message: string, at: { policy: PlannedPolicy; statement?: Statement }) => {
    findings.push({ severity, code, message, policy: at.policy.name, ...(at.statement === undefined ? {} : { sid: at.statement.sid }), accepted: false });
  };
  const grants = (s: Statement, action: string) => s.actions.some((p) => actionCovers(p, action));
  const unscopedFor = (s: Statement, action: string) => s.resources.filter((r) => isUnscoped(r, lookup(action)));
  const located: Located[] = policies.flatMap((policy) => policy.statements.map((statement) => ({ policy, statement })));

  for (const at of located) {
    const s = at.statement;
    for (const pattern of s.actions.filter(isWildcard)) {
      const all = pattern === '*' || pattern === '*:*';
      add(all ? 'error' : 'warning', 'wildcard-action', all ? `"${pattern}" grants every action of every service` : `"${pattern}" grants every action it matches, now and as AWS adds them`, at);
    }
    // `*` is required, not chosen, for an action that takes no resource-level permissions
    const scopable = s.actions.filter((a) => isWildcard(a) || lookup(a)?.supportsResourceLevelPermissions !== false);
    const wide = scopable.filter((a) => unscopedFor(s, a).length > 0 || s.resources.includes('*'));
    if (wide.length > 0) {
      const resources = [...new Set(wide.flatMap((a) => (s.resources.includes('*') ? ['*'] : unscopedFor(s, a))))];
      add('warning', 'wildcard-resource', `${wide.join(', ')} on ${resources.join(', ')}: every resource, though these actions can be scoped to named ones`, at);
    }
    for (const method of ESCALATION_METHODS.filter((m) => m.actions.length === 1)) {
      const action = method.actions[0] as string;
      if (grants(s, action)) add('error', 'privilege-escalation', `${action} allows privilege escalation (${describe(method)})`, at);
    }
    for (const action of ESCALATING_ON_ANY_RESOURCE) {
      if (grants(s, action) && unscopedFor(s, action).length > 0) {
        add('error', 'privilege-escalation', `${action} on every role: the role can ${action === 'iam:PassRole' ? 'hand any role to a service that runs code' : 'become any role that trusts the account'}`, at);
      }
    }
    for (const action of CREDENTIAL_RETURNING_ACTIONS.filter((a) => grants(s, a))) {
      const everything = unscopedFor(s, action).length > 0;
      add(everything ? 'error' : 'warning', 'credential-exposure', `${action} returns credentials${everything ? ', here for every resource' : ''}`, at);
    }
    for (const action of SECRET_READING_ACTIONS.filter((a) => grants(s, a) && unscopedFor(s, a).length > 0)) {
      add('error', 'credential-exposure', `${action} on ${unscopedFor(s, action).join(', ')} reads every secret it can reach; name the secrets or parameters`, at);
    }
    for (const action of DATA_EXFILTRATION_ACTIONS.filter((a) => grants(s, a) && unscopedFor(s, a).length > 0)) {
      add('error', 'data-exfiltration', `${action} on ${unscopedFor(s, action).join(', ')} can copy out data the workload never uses; name the resources`, at);
    }
  }

  for (const method of ESCALATION_METHODS.filter((m) => m.actions.length > 1)) {
    const holders = method.actions.map((action) => located.filter((at) => grants(at.statement, action)));
    if (holders.some((h) => h.length === 0)) continue;
    const first = holders[0]?.[0] as Located;
    const passRole = method.actions.includes('iam:PassRole') ? located.filter((at) => grants(at.statement, 'iam:PassRole')) : [];
    // passing only named roles bounds the escalation to what those roles may do
    const bounded = passRole.length > 0 && passRole.every((at) => unscopedFor(at.statement, 'iam:PassRole').length === 0);
    const holding = new Set(holders.flat().map((at) => at.policy.name));
    const where = policies.filter((p) => holding.has(p.name)).map((p) => p.name).join(', ');
    add(
      bounded ? 'warning' : 'error',
      'privilege-escalation',
      `${method.actions.join(' + ')} together allow privilege escalation (${describe(method)})${bounded ? ', limited to the roles iam:PassRole names' : ''}; granted in ${where}`,
      first,
    );
  }

  for (const policy of policies) {
    if (policy.size > MANAGED_POLICY_MAX_CHARS) add('error', 'policy-size', `${policy.size} characters: over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy`, { policy });
  }
  const over = policies.length > MANAGED_POLICIES_PER_ROLE_MAX ? MANAGED_POLICIES_PER_ROLE_MAX : policies.length > MANAGED_POLICIES_PER_ROLE_DEFAULT ? MANAGED_POLICIES_PER_ROLE_DEFAULT : 0;
  const firstOver = policies[over];
  if (over > 0 && firstOver !== undefined) {
    add(
      over === MANAGED_POLICIES_PER_ROLE_MAX ? 'error' : 'warning',
      'policy-count',
      `${policies.length} managed policies: a role takes ${over} ${over === MANAGED_POLICIES_PER_ROLE_MAX ? 'at most' : 'unless the quota is raised (to 20 at most)'}`,
      { policy: firstOver },
    );
  }
  return dedupe(findings);
}

function describe(method: EscalationMethod): string {
  return method.reference === undefined ? method.name : `${method.name}, ${method.reference}`;
}

function dedupe(findings: readonly LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = JSON.stringify([f.policy, f.sid ?? null, f.code, f.message]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

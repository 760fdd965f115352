// Conditions written for an IAM user that will not hold, or will mean something else, once the
// same calls are made by an instance-profile role session. The planner reports these for a person
// to decide instead of copying them into the new role's policy.
import type { Policy, Statement } from './policy.js';
import { parseTemplate, templateVariables } from './policy-template.js';

export interface NonPortableCondition {
  /** the condition key (`aws:SourceIp`) or the policy variable as written (`${aws:username}`) */
  key: string;
  reason: string;
  statementIndex: number;
  sid?: string;
  /** where in the statement it was found */
  element: 'Condition' | 'Resource' | 'NotResource';
}

const ROLE_SESSION = 'an instance-profile role session';

/** Reasons by lower-case condition key; a function when only some values are a problem. */
const KEY_REASONS: Readonly<Record<string, string | ((values: readonly string[]) => string | null)>> = {
  'aws:username': `${ROLE_SESSION} has no aws:username, so the condition can never match it as it matched the user`,
  'aws:userid': `a role session's aws:userid is ROLE-ID:instance-id, not the user's unique ID`,
  'aws:sourceip':
    'instances call from their own public or NAT address (and through a VPC endpoint carry no aws:SourceIp at all), not from the addresses the user was limited to',
  'aws:multifactorauthpresent': `${ROLE_SESSION} never carries MFA, so the key is absent`,
  'aws:multifactorauthage': `${ROLE_SESSION} never carries MFA, so the key is absent`,
  'aws:principaltype': (values) =>
    values.some((v) => v.toLowerCase() === 'user') ? `the principal type of ${ROLE_SESSION} is AssumedRole, not User` : null,
  'aws:principalarn': (values) =>
    values.some((v) => v.includes(':user/')) ? `the condition names an IAM user ARN; ${ROLE_SESSION}'s aws:PrincipalArn is the role's ARN` : null,
  'aws:tokenissuetime': 'the key is absent for access-key calls and present for every role session, so a test of it inverts',
};

const VARIABLE_REASONS: Readonly<Record<string, string>> = {
  'aws:username': `${ROLE_SESSION} has no aws:username, so the variable cannot be filled in and the element matches nothing`,
  'aws:userid': `a role session's aws:userid is ROLE-ID:instance-id, so the variable no longer names the user`,
};

function principalTagReason(key: string): string | null {
  return key.toLowerCase().startsWith('aws:principaltag/') ? `holds for ${ROLE_SESSION} only if the new role carries the same tag as the user` : null;
}

function keyReason(key: string, values: readonly string[]): string | null {
  const reason = KEY_REASONS[key.toLowerCase()];
  if (typeof reason === 'function') return reason(values);
  return reason ?? principalTagReason(key);
}

function variableReason(key: string): string | null {
  return VARIABLE_REASONS[key.toLowerCase()] ?? principalTagReason(key);
}

function inStatement(policy: Policy, statement: Statement): NonPortableCondition[] {
  const found: NonPortableCondition[] = [];
  const add = (key: string, reason: string, element: NonPortableCondition['element']) => {
    if (found.some((f) => f.key.toLowerCase() === key.toLowerCase() && f.element === element)) return;
    found.push({ key, reason, statementIndex: statement.index, ...(statement.sid === undefined ? {} : { sid: statement.sid }), element });
  };
  const variables = policy.version === '2012-10-17';
  const variablesIn = (texts: readonly string[], element: NonPortableCondition['element']) => {
    if (!variables) return;
    for (const text of texts) {
      for (const key of templateVariables(parseTemplate(text, { wildcards: true, variables }))) {
        const reason = variableReason(key);
        if (reason !== null) add(`\${${key}}`, reason, element);
      }
    }
  };
  variablesIn(statement.resource.patterns, statement.resource.negated ? 'NotResource' : 'Resource');
  for (const clause of statement.conditions) {
    const reason = keyReason(clause.key, clause.values);
    if (reason !== null) add(clause.key, reason, 'Condition');
    variablesIn(clause.values, 'Condition');
  }
  return found;
}

/** The conditions and policy variables in a policy that will not hold for a role session. */
export function conditionsThatDoNotCarryOver(policy: Policy): NonPortableCondition[] {
  return policy.statements.flatMap((s) => inStatement(policy, s));
}

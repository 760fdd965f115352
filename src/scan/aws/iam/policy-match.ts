// Enough of IAM policy evaluation to tell whether a policy allows one action on one
// resource: Action/NotAction and Resource/NotResource with the `*` and `?` wildcards and the
// user's own policy variables. Conditions are not evaluated: an allow with a condition
// counts as an allow (the role may be assumable), a deny with one does not count as a deny.
import { statementsOf, stringList, type PolicyDocument, type PolicyStatement } from './policy-document.js';

/** Values for ${aws:username}-style variables; any other variable matches anything. */
export type PolicyVariables = Record<string, string>;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles an IAM pattern (`*`, `?`, `${var}`, `${*}`, `${?}`, `${$}`) to an anchored regular expression. */
export function patternRegExp(pattern: string, options: { ignoreCase: boolean; variables?: PolicyVariables }): RegExp {
  let source = '';
  for (const m of pattern.matchAll(/\$\{([^}]*)\}|\*|\?|[^$*?]+|\$/g)) {
    const [token, variable] = m;
    if (variable !== undefined) {
      if (variable === '*' || variable === '?' || variable === '$') source += escapeRegExp(variable);
      else {
        const value = options.variables?.[variable.toLowerCase()];
        source += value === undefined ? '.*' : escapeRegExp(value);
      }
    } else if (token === '*') source += '.*';
    else if (token === '?') source += '.';
    else source += escapeRegExp(token);
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

export function wildcardMatches(pattern: string, value: string, options: { ignoreCase: boolean; variables?: PolicyVariables }): boolean {
  return patternRegExp(pattern, options).test(value);
}

/** Action names are case-insensitive; NotAction matches every action it does not list. */
export function statementCoversAction(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return stringList(s.Action).some((p) => wildcardMatches(p, action, { ignoreCase: true }));
  if (s.NotAction !== undefined) return !stringList(s.NotAction).some((p) => wildcardMatches(p, action, { ignoreCase: true }));
  return false;
}

/** ARNs are case-sensitive; NotResource matches every resource it does not list. */
export function statementCoversResource(s: PolicyStatement, resource: string, variables: PolicyVariables): boolean {
  if (s.Resource !== undefined) return stringList(s.Resource).some((p) => wildcardMatches(p, resource, { ignoreCase: false, variables }));
  if (s.NotResource !== undefined) return !stringList(s.NotResource).some((p) => wildcardMatches(p, resource, { ignoreCase: false, variables }));
  return false;
}

/** Whether identity policies allow `action` on `resource`: some Allow covers it and no unconditional Deny does. */
export function identityPoliciesAllow(docs: readonly PolicyDocument[], action: string, resource: string, variables: PolicyVariables): boolean {
  let allowed = false;
  for (const doc of docs) {
    for (const s of statementsOf(doc)) {
      if (!statementCoversAction(s, action) || !statementCoversResource(s, resource, variables)) continue;
      if (s.Effect === 'Deny' && s.Condition === undefined) return false;
      if (s.Effect === 'Allow') allowed = true;
    }
  }
  return allowed;
}

// Which statements of a resource-based policy name a given IAM user. A statement names the
// user when its Principal lists the user's ARN or unique ID (AWS shows the unique ID, AIDA…,
// once the user it stood for is deleted and recreated). "*" and the account do not name a
// user: they delegate to identity policies, which are read separately.
import { statementsOf, stringList, type PolicyDocument, type PolicyStatement } from './policy-document.js';

export interface PrincipalIdentity {
  arn: string;
  userId: string;
}

/** The values of a Principal's AWS entry; `Principal: "*"` reads as ["*"]. */
export function awsPrincipals(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (principal !== null && typeof principal === 'object' && !Array.isArray(principal)) {
    return stringList((principal as Record<string, unknown>).AWS);
  }
  return [];
}

export function principalNames(principal: unknown, who: PrincipalIdentity): boolean {
  return awsPrincipals(principal).some((p) => p === who.arn || p === who.userId);
}

/** True when the Principal is everyone or the whole account (which then defers to identity policies). */
export function principalDelegatesToAccount(principal: unknown, account: string): boolean {
  return awsPrincipals(principal).some((p) => p === '*' || p === account || new RegExp(`^arn:[a-z-]+:iam::${account}:root$`).test(p));
}

/** The statements whose Principal names the user, verbatim. NotPrincipal never names one: it excludes. */
export function statementsNaming(doc: PolicyDocument, who: PrincipalIdentity): PolicyStatement[] {
  return statementsOf(doc).filter((s) => principalNames(s.Principal, who));
}

// The key holder's identity policies, parsed once, and the one question the builder asks of
// them: what do they decide for this action on this resource? Answers are memoised per build:
// the same pair is asked for by observed use, denied use and lint probes alike.
import { badInput, isKeyshiftError } from '../../errors.js';
import { evaluateIdentityPolicies, parsePolicy, type EvaluationResult, type Policy } from '../evaluator/index.js';
import { compareText, sortedUnique } from './compare.js';
import type { KeyRequestContext, PrincipalPolicy } from './policy-input.js';

export interface NamedPolicy {
  name: string;
  policy: Policy;
}

export class PrincipalPermissions {
  /** sorted by name, so that reports naming them do not depend on the input order */
  readonly named: readonly NamedPolicy[];
  /** Resource patterns of Allow statements: where a too-wide request can be narrowed to */
  readonly allowPatterns: readonly string[];
  /**
   * The patterns that can take part of a wildcard request away: a Deny's Resource, and an
   * Allow's NotResource (what that Allow leaves out). An Allow's Resource only adds; a Deny's
   * NotResource that does not cover the request already denies it whole.
   */
  readonly denyPatterns: readonly string[];
  readonly excludedPatterns: readonly string[];
  private readonly policies: readonly Policy[];
  private readonly context: KeyRequestContext;
  private readonly memo = new Map<string, EvaluationResult>();

  constructor(policies: readonly PrincipalPolicy[], context: KeyRequestContext = {}) {
    const ordered = [...policies].sort((a, b) => compareText(a.name, b.name) || compareText(JSON.stringify(a.document), JSON.stringify(b.document)));
    this.named = ordered.map(({ name, document }) => ({ name, policy: parseNamed(name, document) }));
    this.policies = this.named.map((n) => n.policy);
    this.context = context;
    const statements = this.policies.flatMap((p) => p.statements);
    // a pattern with a policy variable names no fixed resource to narrow to
    const allows = statements.filter((s) => s.effect === 'Allow' && !s.resource.negated);
    this.allowPatterns = sortedUnique(allows.flatMap((s) => s.resource.patterns.filter((p) => !p.includes('${'))));
    this.denyPatterns = sortedUnique(statements.filter((s) => s.effect === 'Deny' && !s.resource.negated).flatMap((s) => s.resource.patterns));
    this.excludedPatterns = sortedUnique(statements.filter((s) => s.effect === 'Allow' && s.resource.negated).flatMap((s) => s.resource.patterns));
  }

  evaluate(action: string, resource: string): EvaluationResult {
    const key = `${action.toLowerCase()}\n${resource}`;
    let result = this.memo.get(key);
    if (result === undefined) {
      result = evaluateIdentityPolicies(this.policies, {
        action,
        resource,
        ...(this.context.values === undefined ? {} : { context: this.context.values }),
        ...(this.context.absentKeys === undefined ? {} : { absentKeys: this.context.absentKeys }),
      });
      this.memo.set(key, result);
    }
    return result;
  }

  /** The names of the policies whose statements of this effect decided a result. */
  policiesIn(result: EvaluationResult, effect: 'Allow' | 'Deny'): string[] {
    return sortedUnique(result.matched.filter((m) => m.effect === effect).map((m) => this.named[m.policyIndex]?.name ?? '?'));
  }
}

function parseNamed(name: string, document: unknown): Policy {
  try {
    return parsePolicy(document);
  } catch (e) {
    // a policy that cannot be read could hold a Deny: planning past it could widen the role
    const why = isKeyshiftError(e) ? e.message : String(e);
    throw badInput(`identity policy ${name} of the key's principal cannot be read: ${why}`, 'fix or remove the policy document in the inventory, then plan again', e);
  }
}

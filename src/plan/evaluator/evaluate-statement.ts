// Does one statement apply to a request? It does when the action matches Action (or none of
// NotAction), the resource matches Resource (or none of NotResource), and every condition holds.
// Actions compare without regard to case, ARNs with it. The answer is three-valued: 'unknown'
// when it hangs on a context key or policy variable the caller did not supply.
import { compiledStatement } from './compiled-statement.js';
import { evaluateCondition } from './evaluate-condition.js';
import { matchArn, matchCompiled } from './pattern-match.js';
import type { Policy, Statement } from './policy.js';
import { resolveTemplate } from './policy-template.js';
import type { RequestContext } from './request-context.js';
import { triAll, triNot, type Tri } from './tri-state.js';

export interface StatementResult {
  applies: Tri;
  /** the context keys the answer hung on, when it is 'unknown' */
  unknownKeys: string[];
}

const NO: StatementResult = { applies: false, unknownKeys: [] };

/** Whether any Resource pattern names the resource (before NotResource negates it). */
function anyResource(statement: Statement, policy: Policy, resource: string, context: RequestContext): StatementResult {
  const compiled = compiledStatement(statement, policy.version);
  if (compiled.fixedResources.some((pattern) => matchCompiled(pattern, resource) === true)) return { applies: true, unknownKeys: [] };
  let applies: Tri = false;
  const unknownKeys: string[] = [];
  for (const template of compiled.variableResources) {
    const resolved = resolveTemplate(template, context);
    const hit = matchArn(resolved, resource);
    if (hit === true) return { applies: true, unknownKeys: [] };
    if (hit === 'unknown') {
      applies = 'unknown';
      for (const t of resolved) if (t.kind === 'unknown') unknownKeys.push(t.key);
    }
  }
  return { applies, unknownKeys };
}

export function evaluateStatement(
  statement: Statement,
  policy: Policy,
  request: { action: string; resource: string },
  context: RequestContext,
): StatementResult {
  const compiled = compiledStatement(statement, policy.version);
  const named = compiled.actions.some((pattern) => matchCompiled(pattern, request.action) === true);
  if (named === statement.action.negated) return NO;
  const resources = anyResource(statement, policy, request.resource, context);
  const resource = statement.resource.negated ? triNot(resources.applies) : resources.applies;
  if (resource === false) return NO;
  const conditions = statement.conditions.map((c) => evaluateCondition(c, context, policy.version));
  const applies = triAll([resource, ...conditions.map((c) => c.value)]);
  if (applies !== 'unknown') return { applies, unknownKeys: [] };
  const unknownKeys = [...(resource === 'unknown' ? resources.unknownKeys : []), ...conditions.filter((c) => c.value === 'unknown').flatMap((c) => c.unknownKeys)];
  return { applies, unknownKeys };
}

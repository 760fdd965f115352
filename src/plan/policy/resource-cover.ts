// Whether one resource pattern covers another: every ARN the specific one can stand for is also
// matched by the general one. Asked of the evaluator itself — an Allow on the general pattern,
// a request for the specific pattern's text — so that the builder's idea of "covers" is exactly
// IAM's wildcard matching as the evaluator implements it (ARN segments, `*`, `?`). Version
// 2008-10-17 keeps `${…}` literal text, as planned resources never hold policy variables.
import { evaluateIdentityPolicies, parsePolicy, type Policy } from '../evaluator/index.js';

const probes = new Map<string, Policy>();
/** Answers, by pair: the same resources are compared again for every action and every workload. */
const answers = new Map<string, boolean>();
const ANSWERS_LIMIT = 200_000;

function allowOn(pattern: string): Policy {
  let policy = probes.get(pattern);
  if (policy === undefined) {
    policy = parsePolicy({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: pattern }] });
    probes.set(pattern, policy);
  }
  return policy;
}

export function covers(general: string, specific: string): boolean {
  if (general === specific || general === '*') return true;
  // without a wildcard a pattern covers only itself
  if (!hasWildcard(general)) return false;
  const key = `${general}\n${specific}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = evaluateIdentityPolicies([allowOn(general)], { action: 'keyshift:Covers', resource: specific }).decision === 'allow';
    if (answers.size >= ANSWERS_LIMIT) answers.clear();
    answers.set(key, answer);
  }
  return answer;
}

export function hasWildcard(resource: string): boolean {
  return resource.includes('*') || resource.includes('?');
}

/** Drops every resource another one of the list covers; `*` covers all. Sorted input stays sorted. */
export function withoutCovered(resources: readonly string[]): string[] {
  if (resources.includes('*')) return ['*'];
  return resources.filter((r, i) => !resources.some((other, j) => j !== i && covers(other, r) && (!covers(r, other) || j < i)));
}

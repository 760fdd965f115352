// One condition clause (`"Operator": { "key": [values] }`) against the request context.
//
// IAM's rules (IAM User Guide, "Condition operators" and "Conditions with multiple context keys
// or values"): the policy's values are ORed, or NORed for a negated operator; a key absent from
// the request makes the clause false, or true for a negated operator, for ...IfExists and for
// ForAllValues (false for ForAnyValue); Null tests presence alone. ForAnyValue holds when some
// request value satisfies the operator, ForAllValues when every one does (an empty set: true and
// false respectively).
//
// This evaluator's own rules, for a request it only partly knows: a key the caller neither gave a
// value for nor declared absent is 'unknown', whatever the operator, and so is a policy variable
// it cannot fill in; a single-valued operator given several request values (IAM documents no
// result for that) is 'unknown' too.
import { isNegatedOperator, operatorTakesVariables } from './condition-operator.js';
import { compareValue, positiveForm } from './compare-value.js';
import type { ConditionClause, PolicyVersion } from './policy.js';
import { parseTemplate, templateVariables } from './policy-template.js';
import type { RequestContext } from './request-context.js';
import { triAll, triAny, triNot, type Tri } from './tri-state.js';

export interface ConditionResult {
  value: Tri;
  /** the context keys whose values were needed and not known (the clause's key, or a variable's) */
  unknownKeys: string[];
}

function nullCheck(clause: ConditionClause, context: RequestContext): ConditionResult {
  const found = context.lookup(clause.key);
  if (found.state === 'unknown') return { value: 'unknown', unknownKeys: [clause.key] };
  const isNull = found.state === 'absent' || found.values.length === 0;
  // "true": the key must be absent; "false": it must be present
  const value = clause.values.some((v) => {
    const wanted = v.toLowerCase();
    return (wanted === 'true' && isNull) || (wanted === 'false' && !isNull);
  });
  return { value, unknownKeys: [] };
}

function absentKey(clause: ConditionClause): Tri {
  if (clause.ifExists) return true;
  if (clause.set === 'ForAllValues') return true;
  if (clause.set === 'ForAnyValue') return false;
  return isNegatedOperator(clause.operator);
}

export function evaluateCondition(clause: ConditionClause, context: RequestContext, version: PolicyVersion): ConditionResult {
  if (clause.operator === 'Null') return nullCheck(clause, context);
  const found = context.lookup(clause.key);
  if (found.state === 'unknown') return { value: 'unknown', unknownKeys: [clause.key] };
  if (found.state === 'absent') return { value: absentKey(clause), unknownKeys: [] };

  const operator = clause.operator;
  const negated = isNegatedOperator(operator);
  const positive = positiveForm(operator);
  const variables = version === '2012-10-17' && operatorTakesVariables(operator);

  /** One request value against all of the policy's values: OR, or NOR when negated. */
  const single = (requestValue: string): Tri => {
    const any = triAny(clause.values.map((policyValue) => compareValue({ operator: positive, policyValue, requestValue, variables, context })));
    return negated ? triNot(any) : any;
  };

  const values = found.values;
  let value: Tri;
  if (clause.set === 'ForAnyValue') value = triAny(values.map(single));
  else if (clause.set === 'ForAllValues') value = triAll(values.map(single));
  else if (values.length === 0) value = absentKey(clause);
  else if (values.length === 1) value = single(values[0] ?? '');
  else value = 'unknown';

  if (value !== 'unknown') return { value, unknownKeys: [] };
  // unknown because of the request's several values, or of variables the context cannot fill
  const variableKeys = variables ? clause.values.flatMap((v) => templateVariables(parseTemplate(v, { wildcards: false, variables }))) : [];
  const unfilled = variableKeys.filter((k) => context.lookup(k).state === 'unknown');
  return { value, unknownKeys: unfilled.length > 0 ? unfilled : [clause.key] };
}

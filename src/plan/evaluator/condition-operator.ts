// Condition operator names: `[ForAnyValue:|ForAllValues:]Operator[IfExists]`, and what IAM
// documents about each operator (IAM User Guide, "IAM JSON policy elements: Condition operators"
// and "Conditions with multiple context keys or values").
import type { ConditionOperatorName, SetOperator } from './policy.js';

const OPERATORS: readonly ConditionOperatorName[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];

const BY_LOWER_NAME = new Map(OPERATORS.map((name) => [name.toLowerCase(), name]));

/**
 * Negated operators hold when the key matches none of the policy's values (a NOR over the
 * values, where the others OR them), and hold when the key is absent from the request.
 */
const NEGATED: ReadonlySet<ConditionOperatorName> = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

/** Policy variables are substituted only in string, ARN and Bool comparisons. */
const TAKES_VARIABLES: ReadonlySet<ConditionOperatorName> = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
]);

export interface ParsedOperator {
  operator: ConditionOperatorName;
  set: SetOperator | undefined;
  ifExists: boolean;
}

/** Reads an operator name (without regard to case); null when IAM has no such operator. */
export function parseConditionOperator(text: string): ParsedOperator | null {
  let rest = text.trim();
  let set: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'foranyvalue') set = 'ForAnyValue';
    else if (qualifier === 'forallvalues') set = 'ForAllValues';
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let operator = BY_LOWER_NAME.get(rest.toLowerCase());
  if (operator === undefined && rest.toLowerCase().endsWith('ifexists')) {
    operator = BY_LOWER_NAME.get(rest.slice(0, -'ifexists'.length).toLowerCase());
    ifExists = true;
  }
  // IAM allows IfExists on every operator except Null
  if (operator === undefined || (ifExists && operator === 'Null')) return null;
  return { operator, set, ifExists };
}

export function isNegatedOperator(operator: ConditionOperatorName): boolean {
  return NEGATED.has(operator);
}

export function operatorTakesVariables(operator: ConditionOperatorName): boolean {
  return TAKES_VARIABLES.has(operator);
}

// The normalised shape of an IAM policy document, as parsePolicy produces it. Every element that
// IAM lets a policy write as "one string or a list" is a list here, and condition values are
// strings (IAM compares numbers and booleans by their text), so the evaluator has one case each.

export type Effect = 'Allow' | 'Deny';

/**
 * The policy language version. Only 2012-10-17 knows policy variables; under 2008-10-17 (also
 * what a document without a Version means) `${aws:username}` is literal text.
 */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/** Action or NotAction: the patterns as written (`s3:Get*`, `*`); matched without regard to case. */
export interface ActionElement {
  negated: boolean;
  patterns: string[];
}

/** Resource or NotResource: ARN patterns as written, with any policy variables still in them. */
export interface ResourceElement {
  negated: boolean;
  patterns: string[];
}

/** The condition operators IAM defines, without their ForAnyValue:/ForAllValues: or IfExists parts. */
export type ConditionOperatorName =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

/** One `"Operator": { "key": values }` pair of a Condition block. */
export interface ConditionClause {
  /** the operator as written, e.g. `ForAnyValue:StringLikeIfExists` */
  operatorText: string;
  operator: ConditionOperatorName;
  set: SetOperator | undefined;
  ifExists: boolean;
  /** the context key as written; IAM compares key names without regard to case */
  key: string;
  values: string[];
}

export interface Statement {
  /** position in the document's Statement list, for reports */
  index: number;
  sid: string | undefined;
  effect: Effect;
  action: ActionElement;
  resource: ResourceElement;
  /** every clause must hold (IAM ANDs operators and the keys under one operator) */
  conditions: ConditionClause[];
}

export interface Policy {
  version: PolicyVersion;
  id: string | undefined;
  statements: Statement[];
}

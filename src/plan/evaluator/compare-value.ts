// One request value against one policy value, for the positive form of each condition operator
// (the negated operators are the NOR of their positive form; evaluate-condition.ts does that).
// A value of the wrong type — a number that does not parse, a malformed date or range — does not
// match, as in IAM.
import { ipInRange } from './ip-range.js';
import { matchArn, matchGlob } from './pattern-match.js';
import type { ConditionOperatorName } from './policy.js';
import { parseTemplate, resolveTemplate } from './policy-template.js';
import type { RequestContext } from './request-context.js';
import type { Tri } from './tri-state.js';

export type PositiveOperator = Exclude<
  ConditionOperatorName,
  | 'StringNotEquals'
  | 'StringNotEqualsIgnoreCase'
  | 'StringNotLike'
  | 'NumericNotEquals'
  | 'DateNotEquals'
  | 'NotIpAddress'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'ArnEquals'
  | 'Null'
>;

const POSITIVE_FORM: Readonly<Record<Exclude<ConditionOperatorName, 'Null'>, PositiveOperator>> = {
  StringEquals: 'StringEquals',
  StringNotEquals: 'StringEquals',
  StringEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringLike: 'StringLike',
  StringNotLike: 'StringLike',
  NumericEquals: 'NumericEquals',
  NumericNotEquals: 'NumericEquals',
  NumericLessThan: 'NumericLessThan',
  NumericLessThanEquals: 'NumericLessThanEquals',
  NumericGreaterThan: 'NumericGreaterThan',
  NumericGreaterThanEquals: 'NumericGreaterThanEquals',
  DateEquals: 'DateEquals',
  DateNotEquals: 'DateEquals',
  DateLessThan: 'DateLessThan',
  DateLessThanEquals: 'DateLessThanEquals',
  DateGreaterThan: 'DateGreaterThan',
  DateGreaterThanEquals: 'DateGreaterThanEquals',
  Bool: 'Bool',
  BinaryEquals: 'BinaryEquals',
  IpAddress: 'IpAddress',
  NotIpAddress: 'IpAddress',
  // ArnEquals and ArnLike behave identically, wildcards included
  ArnEquals: 'ArnLike',
  ArnLike: 'ArnLike',
  ArnNotEquals: 'ArnLike',
  ArnNotLike: 'ArnLike',
};

export function positiveForm(operator: Exclude<ConditionOperatorName, 'Null'>): PositiveOperator {
  return POSITIVE_FORM[operator];
}

function numberOf(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/i;

/**
 * Milliseconds since the epoch. IAM takes the W3C profile of ISO 8601 or epoch seconds. A time
 * without a zone is read as UTC, never as this machine's local time, so that a plan does not
 * depend on where it is made.
 */
function dateOf(text: string): number | null {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const m = ISO_DATE.exec(trimmed);
  if (m === null) return null;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = m;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(ms) ? null : ms;
}

function ordered(request: number | null, policy: number | null, test: (a: number, b: number) => boolean): boolean {
  return request !== null && policy !== null && test(request, policy);
}

function binaryEquals(request: string, policy: string): boolean {
  const a = Buffer.from(request, 'base64');
  const b = Buffer.from(policy, 'base64');
  return a.length > 0 && a.equals(b);
}

export interface CompareInput {
  operator: PositiveOperator;
  policyValue: string;
  requestValue: string;
  /** whether `${...}` in the policy value is a variable (2012-10-17 and an operator that takes them) */
  variables: boolean;
  context: RequestContext;
}

export function compareValue({ operator, policyValue, requestValue, variables, context }: CompareInput): Tri {
  const template = (wildcards: boolean) => resolveTemplate(parseTemplate(policyValue, { wildcards, variables }), context);
  switch (operator) {
    case 'StringEquals':
      return matchGlob(template(false), requestValue);
    case 'StringEqualsIgnoreCase':
    case 'Bool':
      return matchGlob(template(false), requestValue, true);
    case 'StringLike':
      return matchGlob(template(true), requestValue);
    case 'ArnLike':
      return matchArn(template(true), requestValue);
    case 'NumericEquals':
      return ordered(numberOf(requestValue), numberOf(policyValue), (a, b) => a === b);
    case 'NumericLessThan':
      return ordered(numberOf(requestValue), numberOf(policyValue), (a, b) => a < b);
    case 'NumericLessThanEquals':
      return ordered(numberOf(requestValue), numberOf(policyValue), (a, b) => a <= b);
    case 'NumericGreaterThan':
      return ordered(numberOf(requestValue), numberOf(policyValue), (a, b) => a > b);
    case 'NumericGreaterThanEquals':
      return ordered(numberOf(requestValue), numberOf(policyValue), (a, b) => a >= b);
    case 'DateEquals':
      return ordered(dateOf(requestValue), dateOf(policyValue), (a, b) => a === b);
    case 'DateLessThan':
      return ordered(dateOf(requestValue), dateOf(policyValue), (a, b) => a < b);
    case 'DateLessThanEquals':
      return ordered(dateOf(requestValue), dateOf(policyValue), (a, b) => a <= b);
    case 'DateGreaterThan':
      return ordered(dateOf(requestValue), dateOf(policyValue), (a, b) => a > b);
    case 'DateGreaterThanEquals':
      return ordered(dateOf(requestValue), dateOf(policyValue), (a, b) => a >= b);
    case 'BinaryEquals':
      return binaryEquals(requestValue, policyValue);
    case 'IpAddress':
      return ipInRange(requestValue, policyValue);
  }
}

// A planned policy's IAM JSON and its size as IAM counts it against the managed-policy quota:
// 6,144 characters, whitespace not counted (IAM User Guide, "IAM and AWS STS quotas"). The
// minified JSON has no whitespace outside strings, so its length is the measure.
import type { PlannedStatement } from './statements.js';

export const MANAGED_POLICY_MAX_CHARS = 6144;
export const POLICY_VERSION = '2012-10-17';

export interface StatementJson {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyJson {
  Version: string;
  Statement: StatementJson[];
  [key: string]: unknown;
}

export function statementJson(statement: PlannedStatement): StatementJson {
  return { Sid: statement.sid, Effect: 'Allow', Action: statement.actions, Resource: statement.resources };
}

export function policyJson(statements: readonly PlannedStatement[]): PolicyJson {
  return { Version: POLICY_VERSION, Statement: statements.map(statementJson) };
}

export function minifiedSize(document: unknown): number {
  return JSON.stringify(document).length;
}

/** The size of an empty document: each statement adds its own size and, after the first, a comma. */
export const EMPTY_POLICY_SIZE = minifiedSize(policyJson([]));

export function statementSize(statement: PlannedStatement): number {
  return minifiedSize(statementJson(statement));
}

/** The size of a document holding statements of these sizes, without building it. */
export function sizeOf(statementSizes: readonly number[]): number {
  return EMPTY_POLICY_SIZE + statementSizes.reduce((sum, s) => sum + s, 0) + Math.max(0, statementSizes.length - 1);
}

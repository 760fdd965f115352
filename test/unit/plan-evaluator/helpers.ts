// Shorthand for the evaluator tests: policies written as plain statement objects.
import { evaluateIdentityPolicies, parsePolicy, type EvaluationRequest, type EvaluationResult } from '../../../src/plan/evaluator/index.js';

export type RawStatement = Record<string, unknown>;

/** A 2012-10-17 document holding the statements. */
export const doc = (...statements: RawStatement[]) => ({ Version: '2012-10-17', Statement: statements });

export const allow = (action: string | string[], resource: string | string[] = '*', extra: RawStatement = {}): RawStatement => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});

export const deny = (action: string | string[], resource: string | string[] = '*', extra: RawStatement = {}): RawStatement => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
});

/** Evaluates documents (parsed here) for one request. */
export function evaluate(documents: unknown[], request: EvaluationRequest): EvaluationResult {
  return evaluateIdentityPolicies(documents.map((d) => parsePolicy(d)), request);
}

/** The decision alone. */
export function decide(documents: unknown[], request: EvaluationRequest): EvaluationResult['decision'] {
  return evaluate(documents, request).decision;
}

/**
 * The decision for a one-condition Allow on s3:GetObject with a fully known context (every key
 * not given is absent), to test one operator at a time.
 */
export function conditionHolds(condition: Record<string, Record<string, unknown>>, context: EvaluationRequest['context'] = {}): boolean {
  const d = doc(allow('s3:GetObject', '*', { Condition: condition }));
  return decide([d], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context, absentKeys: '*' }) === 'allow';
}

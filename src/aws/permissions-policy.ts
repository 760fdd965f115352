// The least-privilege IAM policy keyshift itself needs, generated from the table of AWS
// calls (aws-calls.ts), so the policy cannot drift from the code.
import { callsFor, type CallUse } from './aws-calls.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function permissionsPolicy(use: CallUse): PolicyDocument {
  const actions = [...new Set(callsFor(use).map((c) => c.action))].sort();
  // every action is listed by name (no service:* wildcards)
  const sid = { scan: 'KeyshiftScanReadOnly', athena: 'KeyshiftUsageAthena', ssm: 'KeyshiftScanHostsViaSsm', apply: 'KeyshiftApply' }[use];
  const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Action: actions, Resource: '*' };
  return { Version: '2012-10-17', Statement: [statement] };
}

// What the policy builder is given for one workload and what it gives back. The planner has
// already split the key's usage by workload: `observed` is only what this workload's own
// sources did.
import type { ContextValues } from '../evaluator/index.js';
import type { ActionUse, DeniedUse, TemporarySession } from '../../model/usage.js';
import type { LintFinding, PlannedPolicy } from '../../model/plan.js';

export interface PrincipalPolicy {
  /** the policy's name as the reviewer knows it (managed, inline or group policy) */
  name: string;
  document: unknown;
}

/**
 * What is known about the key's own requests, for conditions in its policies: e.g.
 * `{ values: { 'aws:username': 'app' }, absentKeys: ['aws:MultiFactorAuthPresent'] }`.
 * Without it every condition is undecided, and an Allow that hangs on one grants nothing.
 */
export interface KeyRequestContext {
  values?: ContextValues;
  absentKeys?: readonly string[] | '*';
}

export interface PolicyInput {
  workloadId: string;
  /** e.g. "keyshift-asg-web"; a split policy set is named prefix-1, prefix-2, … */
  policyNamePrefix: string;
  account: string;
  /** only the aws partition is planned for; ARNs are used as the evidence writes them */
  partition?: 'aws';
  observed: ActionUse[];
  denied: DeniedUse[];
  /** add what the workload tried and was denied, when today's policies allow it */
  includeDenied: boolean;
  /** role chains (AssumeRole: sts:AssumeRole on the role, not its permissions); token sessions */
  sessions: TemporarySession[];
  /** the key holder's identity policies today: attached, inline and group */
  principalPolicies: PrincipalPolicy[];
  /** service prefix -> whether its data events were recorded (null: unknown) */
  dataEventsRecorded: Record<string, boolean | null>;
  /** resource ARNs named by management events and the inventory */
  knownResources: string[];
  requestContext?: KeyRequestContext;
}

export interface NonPortableConditionReport {
  policy: string;
  key: string;
  reason: string;
}

export interface PolicyOutput {
  policies: PlannedPolicy[];
  lint: LintFinding[];
  nonPortableConditions: NonPortableConditionReport[];
  /** what was not granted and why, and what the reviewer should know; in a fixed order */
  notes: string[];
}

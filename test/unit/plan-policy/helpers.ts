// Inputs for the policy builder's tests: evidence, policy documents and a workload input with
// everything empty unless a test says otherwise.
import type { PolicyInput, PolicyOutput } from '../../../src/plan/policy/index.js';
import type { ActionUse, DeniedUse, TemporarySession } from '../../../src/model/usage.js';

export const ACCOUNT = '123456789012';
const SEEN = '2024-05-01T00:00:00Z';

export function use(action: string, resource: string, calls = 1): ActionUse {
  return { action, resource, calls, firstSeen: SEEN, lastSeen: SEEN };
}

export function deniedUse(action: string, resource: string, errorCode = 'AccessDenied'): DeniedUse {
  return { ...use(action, resource), errorCode };
}

export function session(via: TemporarySession['via'], roleArn: string | null, actions: ActionUse[] = []): TemporarySession {
  return { accessKeyId: 'ASIAEXAMPLEEXAMPLE01', via, roleArn, actions, denied: [] };
}

type StatementJson = Record<string, unknown>;

export function allow(action: string | string[], resource: string | string[], extra: StatementJson = {}): StatementJson {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[], extra: StatementJson = {}): StatementJson {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

export function policy(name: string, ...statements: StatementJson[]): { name: string; document: unknown } {
  return { name, document: { Version: '2012-10-17', Statement: statements } };
}

export function input(overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    workloadId: 'asg-web',
    policyNamePrefix: 'keyshift-asg-web',
    account: ACCOUNT,
    observed: [],
    denied: [],
    includeDenied: false,
    sessions: [],
    principalPolicies: [],
    dataEventsRecorded: {},
    knownResources: [],
    ...overrides,
  };
}

export interface PlannedPair {
  action: string;
  resource: string;
  basis: string;
}

/** Every (action, resource) the output plans, with its basis, sorted. */
export function plannedPairs(output: PolicyOutput): PlannedPair[] {
  return output.policies
    .flatMap((p) => p.statements.flatMap((s) => s.actions.flatMap((action) => s.resources.map((resource) => ({ action, resource, basis: s.basis })))))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

export const pairsOf = (output: PolicyOutput) => plannedPairs(output).map((p) => `${p.action} ${p.resource}`);

export function statementsOf(output: PolicyOutput) {
  return output.policies.flatMap((p) => p.statements);
}

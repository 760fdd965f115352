// A StepContext / UndoContext for handler tests: real AWS clients (pointed at moto), a real
// rate limiter, and a `mutate` that records each call in memory instead of a journal file (the
// journal itself is tested on its own and by the executor's tests).
import { AwsContext } from '../../src/aws/aws-context.js';
import type { HostExecutor } from '../../src/apply/host-executor.js';
import { RateLimiter } from '../../src/apply/rate-limiter.js';
import type { RoleEvidence } from '../../src/apply/role-evidence.js';
import type { Json, MutatingCall, StepContext, UndoContext } from '../../src/apply/step-handler.js';
import { silentHost } from '../../src/io/host.js';
import type { PlanDocument, PlanStep, Workload } from '../../src/model/plan.js';

export interface RecordedCall extends MutatingCall {
  ok: boolean;
  output: Json;
}

export const noHosts: HostExecutor = {
  kind: 'none',
  run: async () => {
    throw new Error('no host executor in this test');
  },
  describe: () => [],
};

export const noEvidence: RoleEvidence = {
  describe: 'no trail in this test',
  roleCalls: async () => [],
  keyCalls: async () => [],
};

export interface TestContextOptions {
  endpoint: string;
  region?: string;
  now?: Date;
  hosts?: HostExecutor;
  outputs?: Record<string, Json>;
  evidence?: RoleEvidence;
  doneAt?: Record<string, Date>;
}

export function testMutate(calls: RecordedCall[]) {
  return async function mutate<T>(call: MutatingCall, send: () => Promise<T>, output?: (r: T) => Json): Promise<T> {
    try {
      const response = await send();
      calls.push({ ...call, ok: true, output: output ? output(response) : {} });
      return response;
    } catch (e) {
      calls.push({ ...call, ok: false, output: { error: (e as Error).name } });
      throw e;
    }
  };
}

function awsFor(o: TestContextOptions): AwsContext {
  return new AwsContext({ endpointUrl: o.endpoint, region: o.region ?? 'us-east-1' }, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
}

export function stepContext(plan: PlanDocument, workload: Workload, step: PlanStep, o: TestContextOptions): StepContext & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const controller = new AbortController();
  return {
    plan,
    workload,
    step,
    aws: awsFor(o),
    hosts: o.hosts ?? noHosts,
    iamWrites: new RateLimiter(50, 50),
    evidence: o.evidence ?? noEvidence,
    now: () => o.now ?? new Date(),
    sleep: async () => {},
    signal: controller.signal,
    host: silentHost,
    mutate: testMutate(calls),
    outputOf: (id) => o.outputs?.[id],
    doneAt: (id) => o.doneAt?.[id],
    calls,
  };
}

export function undoContext(plan: { planId: string; account: string }, o: TestContextOptions): UndoContext & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    plan,
    aws: awsFor(o),
    hosts: o.hosts ?? noHosts,
    iamWrites: new RateLimiter(50, 50),
    now: () => o.now ?? new Date(),
    sleep: async () => {},
    signal: new AbortController().signal,
    mutate: testMutate(calls),
    calls,
  };
}

// Before any change: every step whose expectation is about state that exists before the run
// (the instances' associations, the launch templates and groups, the keys, names the plan will
// create) is checked against the live account. Any drift stops the whole run: the plan is
// stale and must be made again. Steps that depend on something the plan itself creates, host
// steps and verification are checked just before they run instead.
import { EC2Client, paginateDescribeIamInstanceProfileAssociations } from '@aws-sdk/client-ec2';
import type { AwsContext } from '../aws/aws-context.js';
import { asAwsRefused } from '../aws/aws-error.js';
import type { StepKind, Workload } from '../model/plan.js';
import type { ScopedStep } from './scope.js';
import type { StepContext, StepHandlers } from './step-handler.js';
import type { StepContextBase } from './step-scheduler.js';

const CHECKED_FIRST: ReadonlySet<StepKind> = new Set<StepKind>([
  'create-role',
  'create-policy',
  'attach-role-policy',
  'create-instance-profile',
  'extend-resource-policy',
  'extend-trust-policy',
  'associate-instance-profile',
  'replace-instance-profile-association',
  'create-launch-template-version',
  'update-auto-scaling-group',
  'require-imdsv2',
  'deactivate-access-key',
]);

const CREATES: ReadonlySet<StepKind> = new Set<StepKind>(['create-role', 'create-policy', 'create-instance-profile']);

export interface Drift {
  stepId: string;
  workload: string;
  message: string;
}

export async function driftPass(
  steps: readonly ScopedStep[],
  isFinished: (id: string) => boolean,
  all: ReadonlyMap<string, ScopedStep>,
  handlers: StepHandlers,
  base: StepContextBase,
  concurrency: number,
): Promise<Drift[]> {
  const todo = steps.filter(
    (s) =>
      CHECKED_FIRST.has(s.step.kind) &&
      !isFinished(s.step.id) &&
      // its subject is made by an earlier step of the plan that has not run yet
      !s.step.after.some((d) => !isFinished(d) && CREATES.has(all.get(d)?.step.kind ?? 'manual-action')),
  );
  const drifts: Drift[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const s = todo[next++]!;
      const handler = handlers[s.step.kind];
      if (!handler) continue;
      const ctx: StepContext = {
        ...base,
        workload: s.workload,
        step: s.step,
        mutate: () => Promise.reject(new Error('the drift pass makes no changes')),
        outputOf: () => undefined,
        doneAt: () => undefined,
      };
      const r = await handler.check(ctx);
      if (r.state === 'drift') drifts.push({ stepId: s.step.id, workload: s.workload.id, message: r.message });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, todo.length)) }, worker));
  return drifts.sort((a, b) => (a.stepId < b.stepId ? -1 : 1));
}

/**
 * The instances no step re-associates (their own role is extended): each must still have the
 * profile the plan saw, or the policies would land on a role the instance no longer uses.
 */
export async function profileDrift(workloads: readonly Workload[], aws: AwsContext): Promise<Drift[]> {
  const unchecked = workloads.flatMap((w) =>
    w.instances
      .filter((i) => !w.steps.some((s) => (s.kind === 'associate-instance-profile' || s.kind === 'replace-instance-profile-association') && s.target === i.instanceId))
      .map((i) => ({ w, i })),
  );
  const drifts: Drift[] = [];
  const byRegion = new Map<string, typeof unchecked>();
  for (const x of unchecked) byRegion.set(x.i.region, [...(byRegion.get(x.i.region) ?? []), x]);
  for (const [region, list] of byRegion) {
    const ec2 = aws.client(EC2Client, region);
    const live = new Map<string, string>();
    for (let n = 0; n < list.length; n += 100) {
      const ids = list.slice(n, n + 100).map((x) => x.i.instanceId);
      try {
        for await (const page of paginateDescribeIamInstanceProfileAssociations({ client: ec2 }, { Filters: [{ Name: 'instance-id', Values: ids }] })) {
          for (const a of page.IamInstanceProfileAssociations ?? []) {
            if ((a.State === 'associated' || a.State === 'associating') && a.InstanceId && a.IamInstanceProfile?.Arn) live.set(a.InstanceId, a.IamInstanceProfile.Arn);
          }
        }
      } catch (e) {
        throw asAwsRefused(e, 'ec2:DescribeIamInstanceProfileAssociations');
      }
    }
    for (const { w, i } of list) {
      const expected = i.currentProfile?.arn ?? null;
      const actual = live.get(i.instanceId) ?? null;
      const name = (arn: string | null) => (arn === null ? 'none' : arn.split('/').at(-1)!);
      if (name(expected) !== name(actual)) {
        drifts.push({ stepId: `${w.id}/instance/${i.instanceId}`, workload: w.id, message: `${i.instanceId} has instance profile ${name(actual)}, but the plan was made when it had ${name(expected)}` });
      }
    }
  }
  return drifts;
}

// Builds one workload's steps with IDs that are unique in the plan and stable for the same
// inputs: workload ID / kind / subject, with #2, #3… only if a subject repeats.
import type { Stage } from '../model/stages.js';
import type { PlanStep, StepKind } from '../model/plan.js';

export interface StepSpec {
  kind: StepKind;
  /** what the ID names: an instance, a policy, a key, a location */
  subject: string;
  target: string;
  description: string;
  params?: Record<string, unknown>;
  expect?: Record<string, unknown>;
  after?: readonly string[];
}

const STAGE_OF: Record<StepKind, Stage> = {
  'create-role': 'attach',
  'create-policy': 'attach',
  'attach-role-policy': 'attach',
  'create-instance-profile': 'attach',
  'add-role-to-instance-profile': 'attach',
  'extend-resource-policy': 'attach',
  'extend-trust-policy': 'attach',
  'associate-instance-profile': 'attach',
  'replace-instance-profile-association': 'attach',
  'create-launch-template-version': 'attach',
  'update-auto-scaling-group': 'attach',
  'remove-host-credential': 'cutover',
  'restart-service': 'cutover',
  'update-tool-config': 'cutover',
  'manual-action': 'cutover',
  'verify-role-in-use': 'verify',
  'verify-key-quiet': 'verify',
  'require-imdsv2': 'verify',
  'deactivate-access-key': 'deactivate',
};

export function stageOf(kind: StepKind): Stage {
  return STAGE_OF[kind];
}

export class StepList {
  readonly steps: PlanStep[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly workloadId: string) {}

  add(spec: StepSpec): string {
    const base = `${this.workloadId}/${spec.kind}/${spec.subject}`;
    let id = base;
    for (let n = 2; this.ids.has(id); n++) id = `${base}#${n}`;
    this.ids.add(id);
    this.steps.push({
      id,
      stage: STAGE_OF[spec.kind],
      kind: spec.kind,
      target: spec.target,
      description: spec.description,
      params: spec.params ?? {},
      expect: spec.expect ?? {},
      after: [...new Set(spec.after ?? [])],
    });
    return id;
  }
}

// The plan's stages, in order: one list shared by the planner, the executor's --until, the
// journal and the progress views.
export const STAGES = ['attach', 'cutover', 'verify', 'deactivate'] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

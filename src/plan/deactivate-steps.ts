// The deactivate stage. A key can be shared by several workloads, so its one deactivation step
// goes in the first of them (by ID) and waits for every workload's quiet check of that key. A
// key without recorded usage is deactivated only with explicit confirmation (the step says so).
// The step deactivates; it never deletes.
import type { AccessKey } from '../model/inventory.js';
import type { KeyPlan, Workload } from '../model/plan.js';

export function deactivateSteps(workloads: Workload[], keys: readonly KeyPlan[], quietSteps: ReadonlyMap<string, string[]>, inventoryKeys: ReadonlyMap<string, AccessKey>): void {
  for (const key of keys) {
    if (key.decision !== 'deactivate' && key.decision !== 'needs-confirmation') continue;
    const home = workloads.find((w) => key.workloads.includes(w.id) && w.status === 'ready');
    if (!home) continue;
    const userName = key.userName ?? inventoryKeys.get(key.accessKeyId)?.userName ?? null;
    home.steps.push({
      id: `${home.id}/deactivate-access-key/${key.accessKeyId}`,
      stage: 'deactivate',
      kind: 'deactivate-access-key',
      target: key.accessKeyId,
      description: `deactivate ${key.accessKeyId}${userName ? ` of ${userName}` : ''} (not delete: finalize does that later)${key.decision === 'needs-confirmation' ? ', only after explicit confirmation' : ''}`,
      params: { accessKeyId: key.accessKeyId, userName, requiresConfirmation: key.decision === 'needs-confirmation' },
      expect: { status: 'Active', ...(userName ? { userName } : {}) },
      after: [...(quietSteps.get(key.accessKeyId) ?? [])].sort(),
    });
  }
}

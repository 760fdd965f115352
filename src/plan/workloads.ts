// Deployment units: the instances that are launched, configured and changed together, and so
// get one role. In order of precedence:
//   1. an Auto Scaling group (the instances' owner, or the group itself with none running);
//   2. a launch template (instances launched from the same template, outside any group);
//   3. an application tag: instances in one region sharing the first of APPLICATION_TAG_KEYS
//      they carry (keys matched case-insensitively, values exactly);
//   4. else the single instance.
// Terminated instances are no one's. IDs are deterministic (derived from names, not order) and
// unique: a name used in two regions gets the region appended.
import type { AutoScalingGroup, Ec2Instance, InventoryDocument, LaunchTemplate } from '../model/inventory.js';
import type { Workload } from '../model/plan.js';
import { compareText } from './canonical-json.js';

/** Tag keys that name the application an instance belongs to, in order of preference. */
export const APPLICATION_TAG_KEYS = ['keyshift:workload', 'app', 'application', 'service'] as const;

const GONE_STATES = new Set(['terminated', 'shutting-down']);

export interface WorkloadUnit {
  id: string;
  kind: Workload['kind'];
  name: string;
  region: string;
  deploymentUnit: Workload['deploymentUnit'];
  /** sorted by instance ID */
  instances: Ec2Instance[];
  autoScalingGroup: AutoScalingGroup | null;
  launchTemplate: LaunchTemplate | null;
}

interface Draft extends Omit<WorkloadUnit, 'id'> {
  baseId: string;
}

export function groupWorkloads(inventory: InventoryDocument): WorkloadUnit[] {
  const drafts = new Map<string, Draft>();
  const draft = (key: string, make: () => Draft): Draft => {
    let d = drafts.get(key);
    if (!d) drafts.set(key, (d = make()));
    return d;
  };
  const asgByName = new Map(inventory.ec2.autoScalingGroups.map((g) => [`${g.region}/${g.name}`, g]));
  const templateById = new Map(inventory.ec2.launchTemplates.map((t) => [t.id, t]));
  const asgDraft = (region: string, name: string): Draft =>
    draft(`asg/${region}/${name}`, () => {
      const group = asgByName.get(`${region}/${name}`) ?? null;
      const templateId = group?.launchTemplate?.id ?? null;
      const template = templateId === null ? null : (templateById.get(templateId) ?? null);
      return {
        baseId: `asg-${name}`,
        kind: 'auto-scaling-group',
        name,
        region,
        deploymentUnit: {
          autoScalingGroup: name,
          ...(templateId !== null ? { launchTemplate: { id: templateId, version: group?.launchTemplate?.version ?? '$Default' } } : {}),
          ...cloudFormationStack(group?.tags),
        },
        instances: [],
        autoScalingGroup: group,
        launchTemplate: template,
      };
    });

  for (const group of inventory.ec2.autoScalingGroups) asgDraft(group.region, group.name);
  for (const instance of inventory.ec2.instances) {
    if (GONE_STATES.has(instance.state)) continue;
    draftFor(instance).instances.push(instance);
  }

  function draftFor(instance: Ec2Instance): Draft {
    const region = instance.region;
    if (instance.owner.autoScalingGroup) return asgDraft(region, instance.owner.autoScalingGroup);
    if (instance.launchTemplate) {
      const lt = instance.launchTemplate;
      const template = templateById.get(lt.id) ?? null;
      return draft(`lt/${region}/${lt.id}`, () => ({
        baseId: `lt-${template?.name ?? lt.id}`,
        kind: 'launch-template',
        name: template?.name ?? lt.id,
        region,
        deploymentUnit: { launchTemplate: { id: lt.id, version: lt.version } },
        instances: [],
        autoScalingGroup: null,
        launchTemplate: template,
      }));
    }
    const tag = applicationTag(instance.tags);
    if (tag) {
      return draft(`app/${region}/${tag.value}`, () => ({
        baseId: `app-${tag.value}`,
        kind: 'application',
        name: tag.value,
        region,
        deploymentUnit: { applicationTag: tag },
        instances: [],
        autoScalingGroup: null,
        launchTemplate: null,
      }));
    }
    return draft(`instance/${instance.instanceId}`, () => ({
      baseId: instance.instanceId,
      kind: 'instance',
      name: instance.name ?? instance.instanceId,
      region,
      deploymentUnit: {},
      instances: [],
      autoScalingGroup: null,
      launchTemplate: null,
    }));
  }

  const units = [...drafts.values()].map((d) => {
    d.instances.sort((a, b) => compareText(a.instanceId, b.instanceId));
    const stack = d.deploymentUnit.cloudFormationStack ?? d.instances.map((i) => i.owner.cloudFormationStack).find((s) => s !== undefined);
    if (stack !== undefined) d.deploymentUnit = { ...d.deploymentUnit, cloudFormationStack: stack };
    return d;
  });
  return uniqueIds(units);
}

function applicationTag(tags: Record<string, string>): { key: string; value: string } | null {
  const keys = Object.keys(tags).sort(compareText);
  for (const wanted of APPLICATION_TAG_KEYS) {
    const key = keys.find((k) => k.toLowerCase() === wanted && (tags[k] ?? '').trim() !== '');
    if (key !== undefined) return { key, value: (tags[key] ?? '').trim() };
  }
  return null;
}

function cloudFormationStack(tags: Record<string, string> | undefined): { cloudFormationStack?: string } {
  const stack = tags?.['aws:cloudformation:stack-name'];
  return stack ? { cloudFormationStack: stack } : {};
}

/** Characters IAM allows in role and instance profile names; anything else becomes '-'. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9+=,.@_-]/g, '-');
}

function uniqueIds(drafts: Draft[]): WorkloadUnit[] {
  const count = new Map<string, number>();
  for (const d of drafts) count.set(safeName(d.baseId), (count.get(safeName(d.baseId)) ?? 0) + 1);
  const units = drafts.map(({ baseId, ...rest }) => {
    const id = safeName(baseId);
    return { id: (count.get(id) ?? 0) > 1 ? `${id}-${rest.region}` : id, ...rest };
  });
  return units.sort((a, b) => compareText(a.id, b.id));
}

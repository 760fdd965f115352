// EC2 and Auto Scaling tags as a record, and who owns an instance according to the tags AWS
// services put on what they launch: changes to such an instance belong to its owner.
import type { Ec2Instance } from '../../../model/inventory.js';

export function tagRecord(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of [...(tags ?? [])].sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? ''))) {
    if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  }
  return out;
}

const KUBERNETES_CLUSTER_TAG = /^kubernetes\.io\/cluster\/(.+)$/;

export function instanceOwner(tags: Record<string, string>): Ec2Instance['owner'] {
  const stack = tags['aws:cloudformation:stack-name'];
  const group = tags['aws:autoscaling:groupName'];
  // EKS managed node groups tag eks:cluster-name (and aws:eks:cluster-name); self-managed
  // nodes carry kubernetes.io/cluster/<name> = owned | shared
  let cluster = tags['eks:cluster-name'] ?? tags['aws:eks:cluster-name'];
  if (cluster === undefined) {
    for (const key of Object.keys(tags)) {
      const m = KUBERNETES_CLUSTER_TAG.exec(key);
      if (m) {
        cluster = m[1]!;
        break;
      }
    }
  }
  return {
    ...(stack !== undefined && { cloudFormationStack: stack }),
    ...(group !== undefined && { autoScalingGroup: group }),
    ...(cluster !== undefined && { eksCluster: cluster }),
  };
}

// Instance profile associations, paged once per region: the association ID is what apply
// passes to ReplaceIamInstanceProfileAssociation or DisassociateIamInstanceProfile, and
// DescribeInstances does not return it.
import { paginateDescribeIamInstanceProfileAssociations, type IamInstanceProfileAssociation } from '@aws-sdk/client-ec2';
import { collectPages, readPart, type RegionContext } from './region-context.js';

export interface ProfileAssociation {
  associationId: string;
  arn: string;
  /** the instance profile's ID (AIPA…) */
  profileId: string | null;
  state: string;
}

// an instance has at most one association that counts; one being replaced may show twice
const STATE_RANK: Record<string, number> = { associated: 0, associating: 1 };

export async function listProfileAssociations(ctx: RegionContext): Promise<Map<string, ProfileAssociation> | undefined> {
  const all = await readPart(ctx, { action: 'ec2:DescribeIamInstanceProfileAssociations', part: `instance profile association IDs in ${ctx.region}` }, () =>
    collectPages(
      paginateDescribeIamInstanceProfileAssociations({ client: ctx.ec2, pageSize: 1000 }, {}),
      (p) => p.IamInstanceProfileAssociations,
      ctx.signal,
    ),
  );
  if (all === undefined) return undefined;
  const byInstance = new Map<string, ProfileAssociation>();
  for (const a of all) {
    const assoc = toAssociation(a);
    if (!a.InstanceId || !assoc || STATE_RANK[assoc.state] === undefined) continue;
    const current = byInstance.get(a.InstanceId);
    if (!current || STATE_RANK[assoc.state]! < STATE_RANK[current.state]!) byInstance.set(a.InstanceId, assoc);
  }
  return byInstance;
}

function toAssociation(a: IamInstanceProfileAssociation): ProfileAssociation | undefined {
  if (!a.AssociationId || !a.IamInstanceProfile?.Arn) return undefined;
  return { associationId: a.AssociationId, arn: a.IamInstanceProfile.Arn, profileId: a.IamInstanceProfile.Id ?? null, state: a.State ?? 'associated' };
}

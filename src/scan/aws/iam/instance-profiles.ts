// Every instance profile, including those without a role (GetAccountAuthorizationDetails
// shows a profile only through its role, yet an instance can be associated with an empty one
// and then has no credentials at all). One paged call; when it is refused, the profiles seen
// through roles stand in and the part is marked incomplete.
import { IAMClient, paginateListInstanceProfiles } from '@aws-sdk/client-iam';
import { throwIfAborted } from '../../../errors.js';
import type { InstanceProfile } from '../../../model/inventory.js';
import type { IamScanContext } from './iam-context.js';
import { compareStrings, sortBy } from './order.js';

export async function readInstanceProfiles(ctx: IamScanContext): Promise<InstanceProfile[] | undefined> {
  return ctx.incomplete.attempt({ action: 'iam:ListInstanceProfiles', region: null, part: 'instance profiles without a role' }, async () => {
    const profiles: InstanceProfile[] = [];
    for await (const page of paginateListInstanceProfiles({ client: ctx.aws.client(IAMClient), pageSize: 1000 }, {})) {
      throwIfAborted(ctx.signal);
      for (const p of page.InstanceProfiles ?? []) {
        profiles.push({
          name: p.InstanceProfileName ?? '',
          id: p.InstanceProfileId ?? '',
          arn: p.Arn ?? '',
          path: p.Path ?? '/',
          roles: (p.Roles ?? []).map((r) => r.RoleName ?? '').sort(compareStrings),
          instances: [],
        });
      }
    }
    return sortBy(profiles, (p) => p.name);
  });
}

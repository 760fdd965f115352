// Every user's access keys with status, age and last use. IAM has no account-wide listing of
// keys, so this is one ListAccessKeys per user and one GetAccessKeyLastUsed per key: the
// calls the benchmark's "at most 3 per key" is about.
import { GetAccessKeyLastUsedCommand, IAMClient, paginateListAccessKeys, type AccessKeyMetadata } from '@aws-sdk/client-iam';
import { throwIfAborted } from '../../../errors.js';
import type { AccessKey, IamUser } from '../../../model/inventory.js';
import { mapBounded } from './bounded-map.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions, type IamScanContext } from './iam-context.js';
import { ProgressCounter } from './iam-progress.js';
import { compareStrings } from './order.js';

const DAY_MS = 86_400_000;

export interface AccessKeysRead {
  /** a key whose last use could not be read has lastUsed null: "never used" would be a guess */
  keys: AccessKey[];
}

/** IAM answers "N/A" for a key never used. */
function known(value: string | undefined): string | null {
  return value === undefined || value === '' || value === 'N/A' ? null : value;
}

export function ageInDays(created: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY_MS));
}

async function listKeys(ctx: IamScanContext, user: IamUser): Promise<AccessKeyMetadata[] | undefined> {
  return ctx.incomplete.attempt({ action: 'iam:ListAccessKeys', region: null, part: `access keys of user ${user.userName}` }, async () => {
    // a user deleted since the authorization details were read has no keys left
    const keys = await nullWhen(['NoSuchEntityException', 'NoSuchEntity'], async () => {
      const found: AccessKeyMetadata[] = [];
      for await (const page of paginateListAccessKeys({ client: ctx.aws.client(IAMClient), pageSize: 100 }, { UserName: user.userName })) {
        throwIfAborted(ctx.signal);
        found.push(...(page.AccessKeyMetadata ?? []));
      }
      return found;
    });
    return keys ?? [];
  });
}

export async function readAccessKeys(ctx: IamScanContext, users: readonly IamUser[], now: Date): Promise<AccessKeysRead> {
  const counter = new ProgressCounter(ctx.progress, 'users (access keys)', users.length);
  const perUser = await mapBounded(
    users,
    ctx.concurrency,
    async (user) => {
      const listed = (await listKeys(ctx, user)) ?? [];
      const keys: AccessKey[] = [];
      for (const k of listed) {
        throwIfAborted(ctx.signal);
        const id = k.AccessKeyId ?? '';
        const lastUsed = await ctx.incomplete.attempt(
          { action: 'iam:GetAccessKeyLastUsed', region: null, part: `last use of access key ${id} of user ${user.userName}` },
          async () => (await ctx.aws.client(IAMClient).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id }), sendOptions(ctx))).AccessKeyLastUsed,
        );
        const created = k.CreateDate ?? now;
        keys.push({
          accessKeyId: id,
          userName: k.UserName ?? user.userName,
          status: k.Status ?? 'Active',
          createDate: created.toISOString(),
          ageDays: ageInDays(created, now),
          lastUsed:
            lastUsed === undefined
              ? null
              : {
                  date: lastUsed.LastUsedDate ? lastUsed.LastUsedDate.toISOString() : null,
                  serviceName: known(lastUsed.ServiceName),
                  region: known(lastUsed.Region),
                },
        });
      }
      counter.tick();
      return keys;
    },
    ctx.signal,
  );
  const keys = perUser.flat().sort((a, b) => compareStrings(a.userName, b.userName) || compareStrings(a.accessKeyId, b.accessKeyId));
  return { keys };
}

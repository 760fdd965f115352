// The user data of each instance: the one call keyshift makes per instance (EC2 returns it
// only through DescribeInstanceAttribute, one instance at a time), decoded and scanned.
import { DescribeInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { scanUserData, type ScannedUserData } from '../user-data/scan-user-data.js';
import type { ListedInstance } from './instances.js';
import { readEach } from './read-each.js';
import type { RegionContext } from './region-context.js';

const GONE = Symbol('instance gone');

export async function readInstanceUserData(ctx: RegionContext, instances: readonly ListedInstance[], onDone: () => void): Promise<ScannedUserData[]> {
  const reads = await readEach(
    ctx,
    instances,
    { action: 'ec2:DescribeInstanceAttribute', wholeSet: 'user data of every instance', oneItem: (i) => `user data of ${i.instanceId}` },
    async (instance) => {
      try {
        const out = await ctx.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.instanceId, Attribute: 'userData' }), { abortSignal: ctx.signal });
        return out.UserData?.Value;
      } catch (e) {
        // terminated between the listing and this call: nothing is missing from the inventory
        if ((e as { name?: string } | null)?.name === 'InvalidInstanceID.NotFound') return GONE;
        throw e;
      }
    },
    onDone,
  );
  return reads.map((read, n): ScannedUserData => {
    const { instanceId, region } = instances[n]!;
    if (!read.ok) return { status: { present: false, parts: 0, problem: read.problem }, credentials: [] };
    if (read.value === GONE) return { status: { present: false, parts: 0, problem: 'not read: the instance no longer exists' }, credentials: [] };
    return scanUserData(read.value, { type: 'user-data', instanceId, region });
  });
}

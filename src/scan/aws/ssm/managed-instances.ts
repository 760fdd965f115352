// Which instances Systems Manager can run a command on: registered (an SSM agent with an
// instance profile that lets it), online, and on Linux. DescribeInstanceInformation is read
// for the scan's instances only, fifty IDs a page.
import { DescribeInstanceInformationCommand, SSMClient, type InstanceInformation } from '@aws-sdk/client-ssm';
import type { AwsContext } from '../../../aws/aws-context.js';
import { throwIfAborted } from '../../../errors.js';

export type Reachability = { reachable: true } | { reachable: false; status: 'not-managed' | 'not-linux'; reason: string };

// The filter takes at most fifty instance IDs.
const IDS_PER_CALL = 50;

export async function managedInstances(aws: AwsContext, region: string, instanceIds: readonly string[]): Promise<Map<string, Reachability>> {
  const ssm = aws.client(SSMClient, region);
  const found = new Map<string, InstanceInformation>();
  for (let i = 0; i < instanceIds.length; i += IDS_PER_CALL) {
    const ids = instanceIds.slice(i, i + IDS_PER_CALL);
    let token: string | undefined;
    do {
      throwIfAborted(aws.signal);
      const page = await ssm.send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ids }], MaxResults: IDS_PER_CALL, NextToken: token }),
        aws.signal ? { abortSignal: aws.signal } : {},
      );
      for (const info of page.InstanceInformationList ?? []) if (info.InstanceId) found.set(info.InstanceId, info);
      token = page.NextToken;
    } while (token);
  }
  return new Map(instanceIds.map((id) => [id, reachability(found.get(id))]));
}

function reachability(info: InstanceInformation | undefined): Reachability {
  if (!info) {
    return { reachable: false, status: 'not-managed', reason: 'not registered with Systems Manager (no SSM agent, or its instance profile lacks AmazonSSMManagedInstanceCore)' };
  }
  if (info.PlatformType !== undefined && info.PlatformType !== 'Linux') {
    return { reachable: false, status: 'not-linux', reason: `${info.PlatformType}${info.PlatformName ? ` (${info.PlatformName})` : ''}: the host payload runs on Linux` };
  }
  if (info.PingStatus !== 'Online') return { reachable: false, status: 'not-managed', reason: `its SSM agent is ${info.PingStatus ?? 'not reporting'}` };
  return { reachable: true };
}

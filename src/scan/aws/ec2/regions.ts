// Which regions to scan: the ones asked for, each checked against DescribeRegions, or every
// region the account has enabled. DescribeRegions with AllRegions lists opt-in regions too,
// with their status; only `opt-in-not-required` and `opted-in` ones can hold resources.
import { DescribeRegionsCommand, EC2Client, type Region } from '@aws-sdk/client-ec2';
import { asAwsRefused, isAccessDenied } from '../../../aws/aws-error.js';
import type { AwsContext } from '../../../aws/aws-context.js';
import { usageError } from '../../../errors.js';

const ENABLED = new Set(['opt-in-not-required', 'opted-in']);

export async function resolveRegions(aws: AwsContext, requested: string[] | undefined): Promise<string[]> {
  const wanted = [...new Set(requested ?? [])];
  let listed: { name: string; status: string }[];
  try {
    const out = await aws.client(EC2Client).send(new DescribeRegionsCommand({ AllRegions: true }), { abortSignal: aws.signal });
    listed = (out.Regions ?? []).flatMap((r: Region) => (r.RegionName ? [{ name: r.RegionName, status: r.OptInStatus ?? 'opt-in-not-required' }] : []));
  } catch (e) {
    // with --region the scan can go on unchecked: the region's own calls will fail if it is wrong
    if (wanted.length > 0 && isAccessDenied(e)) return wanted;
    throw asAwsRefused(e, 'ec2:DescribeRegions');
  }
  if (wanted.length === 0) return listed.filter((r) => ENABLED.has(r.status)).map((r) => r.name).sort();

  const byName = new Map(listed.map((r) => [r.name, r.status]));
  for (const name of wanted) {
    const status = byName.get(name);
    if (status === undefined) {
      throw usageError(`unknown region ${JSON.stringify(name)}`, `choose one of: ${[...byName.keys()].sort().join(', ')}`);
    }
    if (!ENABLED.has(status)) {
      throw usageError(`region ${name} is not enabled in this account (opt-in status: ${status})`, 'enable it in the account settings, or leave it out of --region');
    }
  }
  return wanted;
}

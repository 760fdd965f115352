// The shared shape of reading one service's resource policies in the scanned regions: list
// the resources of each region (paged), then read each resource's policy, at most
// `concurrency` requests in flight per service. A refused listing marks that service and
// region incomplete; a refused read marks that one resource; "no policy" is normal.
import type { ResourceGrant } from '../../../model/inventory.js';
import { mapBounded } from './bounded-map.js';
import type { IamScanContext } from './iam-context.js';
import type { ProgressCounter } from './iam-progress.js';
import { parsePolicyDocument } from './policy-document.js';
import type { ResourcePolicy } from './resource-grants.js';

export interface RegionalResource {
  region: string;
  arn: string;
  /** what the policy read needs: a key ID, queue URL, repository name … */
  handle: string;
}

export interface PolicyReader {
  /** e.g. "SQS queue" */
  noun: string;
  resourceType: ResourceGrant['resourceType'];
  listAction: string;
  getAction: string;
  list(ctx: IamScanContext, region: string): Promise<RegionalResource[]>;
  /** the policy text; null when the resource has none or is gone */
  getPolicy(ctx: IamScanContext, resource: RegionalResource): Promise<string | null>;
}

export async function readRegionalPolicies(ctx: IamScanContext, regions: readonly string[], reader: PolicyReader, counter: ProgressCounter): Promise<ResourcePolicy[]> {
  const listed = await mapBounded(
    regions,
    ctx.concurrency,
    async (region) => {
      const resources = await ctx.incomplete.attempt({ action: reader.listAction, region, part: `${reader.noun} policies in ${region}` }, () => reader.list(ctx, region));
      counter.add(resources?.length ?? 0);
      return resources ?? [];
    },
    ctx.signal,
  );
  const policies = await mapBounded(
    listed.flat(),
    ctx.concurrency,
    async (resource): Promise<ResourcePolicy | null> => {
      const policy = await ctx.incomplete.attempt({ action: reader.getAction, region: resource.region, part: `the policy of ${reader.noun} ${resource.arn}` }, async () => {
        const text = await reader.getPolicy(ctx, resource);
        return text === null ? null : parsePolicyDocument(text);
      });
      counter.tick();
      return policy ? { resourceArn: resource.arn, resourceType: reader.resourceType, region: resource.region, document: policy } : null;
    },
    ctx.signal,
  );
  return policies.filter((p): p is ResourcePolicy => p !== null);
}

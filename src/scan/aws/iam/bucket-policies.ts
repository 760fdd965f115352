// S3 bucket policies of the buckets in the scanned regions. Buckets are listed once for the
// whole account; the listing names each bucket's region when it is paged (MaxBuckets set),
// and GetBucketLocation stands in where it does not (older endpoints, emulators). The policy
// is read from the bucket's own region, where S3 answers without a redirect.
import { GetBucketLocationCommand, GetBucketPolicyCommand, paginateListBuckets, S3Client, type Bucket } from '@aws-sdk/client-s3';
import { throwIfAborted } from '../../../errors.js';
import { mapBounded } from './bounded-map.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions, type IamScanContext } from './iam-context.js';
import type { ProgressCounter } from './iam-progress.js';
import { parsePolicyDocument } from './policy-document.js';
import type { ResourcePolicy } from './resource-grants.js';

/** GetBucketLocation's answer as a region: none means us-east-1, "EU" the old name of eu-west-1. */
export function bucketRegion(locationConstraint: string | undefined | null): string {
  if (!locationConstraint) return 'us-east-1';
  return locationConstraint === 'EU' ? 'eu-west-1' : locationConstraint;
}

async function regionOf(ctx: IamScanContext, bucket: Bucket & { Name: string }): Promise<string | null | undefined> {
  if (bucket.BucketRegion) return bucket.BucketRegion;
  return ctx.incomplete.attempt({ action: 's3:GetBucketLocation', region: null, part: `the policy of S3 bucket ${bucket.Name} (its region could not be read)` }, async () => {
    const out = await nullWhen(['NoSuchBucket'], () => ctx.aws.client(S3Client).send(new GetBucketLocationCommand({ Bucket: bucket.Name }), sendOptions(ctx)));
    return out === null ? null : bucketRegion(out.LocationConstraint);
  });
}

export async function readBucketPolicies(ctx: IamScanContext, regions: readonly string[], counter: ProgressCounter): Promise<ResourcePolicy[]> {
  const buckets = await ctx.incomplete.attempt({ action: 's3:ListAllMyBuckets', region: null, part: 'S3 bucket policies' }, async () => {
    const found: (Bucket & { Name: string })[] = [];
    for await (const page of paginateListBuckets({ client: ctx.aws.client(S3Client), pageSize: 1000 }, {})) {
      throwIfAborted(ctx.signal);
      for (const b of page.Buckets ?? []) if (b.Name) found.push({ ...b, Name: b.Name });
    }
    return found;
  });
  if (!buckets) return [];
  counter.add(buckets.length);
  const policies = await mapBounded(
    buckets,
    ctx.concurrency,
    async (bucket): Promise<ResourcePolicy | null> => {
      try {
        const region = await regionOf(ctx, bucket);
        if (!region || !regions.includes(region)) return null;
        const document = await ctx.incomplete.attempt({ action: 's3:GetBucketPolicy', region, part: `the policy of S3 bucket ${bucket.Name}` }, async () => {
          const out = await nullWhen(['NoSuchBucketPolicy', 'NoSuchBucket'], () =>
            ctx.aws.client(S3Client, region).send(new GetBucketPolicyCommand({ Bucket: bucket.Name }), sendOptions(ctx)),
          );
          return out?.Policy ? parsePolicyDocument(out.Policy) : null;
        });
        return document ? { resourceArn: `arn:${ctx.partition}:s3:::${bucket.Name}`, resourceType: 's3-bucket', region, document } : null;
      } finally {
        counter.tick();
      }
    },
    ctx.signal,
  );
  return policies.filter((p): p is ResourcePolicy => p !== null);
}

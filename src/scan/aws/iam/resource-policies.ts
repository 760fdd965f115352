// Every resource policy in the scanned regions that could name a key holder: S3 buckets,
// KMS keys, SQS queues, SNS topics, Secrets Manager secrets and ECR repositories. The
// services are read side by side, each with its own bound on requests in flight.
import type { IamScanContext } from './iam-context.js';
import { ProgressCounter } from './iam-progress.js';
import { readBucketPolicies } from './bucket-policies.js';
import { ecrRepositoryPolicies } from './ecr-repository-policies.js';
import { kmsKeyPolicies } from './kms-key-policies.js';
import { readRegionalPolicies } from './regional-policies.js';
import type { ResourcePolicy } from './resource-grants.js';
import { secretPolicies } from './secret-policies.js';
import { snsTopicPolicies } from './sns-topic-policies.js';
import { sqsQueuePolicies } from './sqs-queue-policies.js';

const REGIONAL_READERS = [kmsKeyPolicies, sqsQueuePolicies, snsTopicPolicies, secretPolicies, ecrRepositoryPolicies];

export async function readResourcePolicies(ctx: IamScanContext, regions: readonly string[]): Promise<ResourcePolicy[]> {
  const counter = new ProgressCounter(ctx.progress, 'resource policies', 0);
  const perService = await Promise.all([
    readBucketPolicies(ctx, regions, counter),
    ...REGIONAL_READERS.map((reader) => readRegionalPolicies(ctx, regions, reader, counter)),
  ]);
  return perService.flat();
}

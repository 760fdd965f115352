// SQS queue policies. ListQueues gives URLs; the queue's ARN is built from the URL's last two
// path segments (account and name), which holds for AWS and emulator endpoints alike.
import { GetQueueAttributesCommand, paginateListQueues, SQSClient } from '@aws-sdk/client-sqs';
import { throwIfAborted } from '../../../errors.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions } from './iam-context.js';
import type { PolicyReader, RegionalResource } from './regional-policies.js';

export const sqsQueuePolicies: PolicyReader = {
  noun: 'SQS queue',
  resourceType: 'sqs-queue',
  listAction: 'sqs:ListQueues',
  getAction: 'sqs:GetQueueAttributes',
  async list(ctx, region) {
    const queues: RegionalResource[] = [];
    for await (const page of paginateListQueues({ client: ctx.aws.client(SQSClient, region), pageSize: 1000 }, {})) {
      throwIfAborted(ctx.signal);
      for (const url of page.QueueUrls ?? []) {
        const [account, name] = new URL(url).pathname.split('/').filter(Boolean).slice(-2);
        if (account && name) queues.push({ region, arn: `arn:${ctx.partition}:sqs:${region}:${account}:${name}`, handle: url });
      }
    }
    return queues;
  },
  async getPolicy(ctx, queue) {
    const out = await nullWhen(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], () =>
      ctx.aws.client(SQSClient, queue.region).send(new GetQueueAttributesCommand({ QueueUrl: queue.handle, AttributeNames: ['Policy'] }), sendOptions(ctx)),
    );
    return out?.Attributes?.Policy ?? null;
  },
};

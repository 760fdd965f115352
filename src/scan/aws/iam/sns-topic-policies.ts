// SNS topic policies. Every topic has one; the default policy grants "*" under a
// SourceOwner condition, which names no user and yields no grant.
import { GetTopicAttributesCommand, paginateListTopics, SNSClient } from '@aws-sdk/client-sns';
import { throwIfAborted } from '../../../errors.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions } from './iam-context.js';
import type { PolicyReader, RegionalResource } from './regional-policies.js';

export const snsTopicPolicies: PolicyReader = {
  noun: 'SNS topic',
  resourceType: 'sns-topic',
  listAction: 'sns:ListTopics',
  getAction: 'sns:GetTopicAttributes',
  async list(ctx, region) {
    const topics: RegionalResource[] = [];
    for await (const page of paginateListTopics({ client: ctx.aws.client(SNSClient, region) }, {})) {
      throwIfAborted(ctx.signal);
      for (const t of page.Topics ?? []) if (t.TopicArn) topics.push({ region, arn: t.TopicArn, handle: t.TopicArn });
    }
    return topics;
  },
  async getPolicy(ctx, topic) {
    const out = await nullWhen(['NotFoundException', 'NotFound'], () =>
      ctx.aws.client(SNSClient, topic.region).send(new GetTopicAttributesCommand({ TopicArn: topic.handle }), sendOptions(ctx)),
    );
    return out?.Attributes?.Policy ?? null;
  },
};

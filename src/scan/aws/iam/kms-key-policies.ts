// KMS key policies: a key policy can name a user directly, granting use of the key without
// any identity policy. Every key has exactly one policy, named "default".
import { GetKeyPolicyCommand, KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import { throwIfAborted } from '../../../errors.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions } from './iam-context.js';
import type { PolicyReader, RegionalResource } from './regional-policies.js';

export const kmsKeyPolicies: PolicyReader = {
  noun: 'KMS key',
  resourceType: 'kms-key',
  listAction: 'kms:ListKeys',
  getAction: 'kms:GetKeyPolicy',
  async list(ctx, region) {
    const keys: RegionalResource[] = [];
    for await (const page of paginateListKeys({ client: ctx.aws.client(KMSClient, region), pageSize: 1000 }, {})) {
      throwIfAborted(ctx.signal);
      for (const k of page.Keys ?? []) if (k.KeyId && k.KeyArn) keys.push({ region, arn: k.KeyArn, handle: k.KeyId });
    }
    return keys;
  },
  async getPolicy(ctx, key) {
    const out = await nullWhen(['NotFoundException'], () =>
      ctx.aws.client(KMSClient, key.region).send(new GetKeyPolicyCommand({ KeyId: key.handle, PolicyName: 'default' }), sendOptions(ctx)),
    );
    return out?.Policy ?? null;
  },
};

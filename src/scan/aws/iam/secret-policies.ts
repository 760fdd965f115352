// Secrets Manager resource policies; most secrets have none (GetResourcePolicy then answers
// without a ResourcePolicy).
import { GetResourcePolicyCommand, paginateListSecrets, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { throwIfAborted } from '../../../errors.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions } from './iam-context.js';
import type { PolicyReader, RegionalResource } from './regional-policies.js';

export const secretPolicies: PolicyReader = {
  noun: 'Secrets Manager secret',
  resourceType: 'secretsmanager-secret',
  listAction: 'secretsmanager:ListSecrets',
  getAction: 'secretsmanager:GetResourcePolicy',
  async list(ctx, region) {
    const secrets: RegionalResource[] = [];
    for await (const page of paginateListSecrets({ client: ctx.aws.client(SecretsManagerClient, region), pageSize: 100 }, {})) {
      throwIfAborted(ctx.signal);
      for (const s of page.SecretList ?? []) if (s.ARN) secrets.push({ region, arn: s.ARN, handle: s.ARN });
    }
    return secrets;
  },
  async getPolicy(ctx, secret) {
    const out = await nullWhen(['ResourceNotFoundException'], () =>
      ctx.aws.client(SecretsManagerClient, secret.region).send(new GetResourcePolicyCommand({ SecretId: secret.handle }), sendOptions(ctx)),
    );
    return out?.ResourcePolicy ?? null;
  },
};

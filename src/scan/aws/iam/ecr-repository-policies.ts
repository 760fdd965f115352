// ECR repository policies; a repository without one answers RepositoryPolicyNotFoundException,
// which is normal.
import { ECRClient, GetRepositoryPolicyCommand, paginateDescribeRepositories } from '@aws-sdk/client-ecr';
import { throwIfAborted } from '../../../errors.js';
import { nullWhen } from './expected-errors.js';
import { sendOptions } from './iam-context.js';
import type { PolicyReader, RegionalResource } from './regional-policies.js';

export const ecrRepositoryPolicies: PolicyReader = {
  noun: 'ECR repository',
  resourceType: 'ecr-repository',
  listAction: 'ecr:DescribeRepositories',
  getAction: 'ecr:GetRepositoryPolicy',
  async list(ctx, region) {
    const repositories: RegionalResource[] = [];
    for await (const page of paginateDescribeRepositories({ client: ctx.aws.client(ECRClient, region), pageSize: 1000 }, {})) {
      throwIfAborted(ctx.signal);
      for (const r of page.repositories ?? []) if (r.repositoryArn && r.repositoryName) repositories.push({ region, arn: r.repositoryArn, handle: r.repositoryName });
    }
    return repositories;
  },
  async getPolicy(ctx, repository) {
    const out = await nullWhen(['RepositoryPolicyNotFoundException', 'RepositoryNotFoundException'], () =>
      ctx.aws.client(ECRClient, repository.region).send(new GetRepositoryPolicyCommand({ repositoryName: repository.handle }), sendOptions(ctx)),
    );
    return out?.policyText ?? null;
  },
};

// Resources are scoped wherever the evidence names them and the catalog says the action takes
// resource-level permissions; `*` only where it does not, with the reason on the statement.
import { describe, expect, it } from 'vitest';
import { buildWorkloadPolicies } from '../../../src/plan/policy/index.js';
import { allow, input, pairsOf, policy, statementsOf, use } from './helpers.js';

const admin = policy('admin', allow('*', '*'));

describe('resource scoping from the catalog', () => {
  it('grants s3:ListAllMyBuckets on * (it takes no resource) and s3:GetObject on the object pattern', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:ListAllMyBuckets', '*'), use('s3:GetObject', 'arn:aws:s3:::app-data/reports/*')],
        principalPolicies: [admin],
      }),
    );
    const [get, list] = statementsOf(out);
    expect(list).toMatchObject({ actions: ['s3:ListAllMyBuckets'], resources: ['*'], basis: 'observed' });
    expect(list?.note).toMatch(/no resource-level permissions/);
    expect(get).toMatchObject({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::app-data/reports/*'], basis: 'observed' });
    expect(get?.note).toBeUndefined();
  });

  it('grants * for an action without resource types even when the event named a resource', async () => {
    const out = await buildWorkloadPolicies(input({ observed: [use('sts:GetCallerIdentity', 'arn:aws:iam::123456789012:user/app')], principalPolicies: [admin] }));
    expect(pairsOf(out)).toEqual(['sts:GetCallerIdentity *']);
  });

  it('writes actions in the catalog’s spelling', async () => {
    const out = await buildWorkloadPolicies(input({ observed: [use('S3:getobject', 'arn:aws:s3:::app-data/a/*')], principalPolicies: [admin] }));
    expect(pairsOf(out)).toEqual(['s3:GetObject arn:aws:s3:::app-data/a/*']);
  });

  it('keeps * with a note when the evidence names no resource for a scopable action, and lint warns', async () => {
    const out = await buildWorkloadPolicies(input({ observed: [use('dynamodb:DescribeTable', '*')], principalPolicies: [admin] }));
    const [statement] = statementsOf(out);
    expect(statement).toMatchObject({ actions: ['dynamodb:DescribeTable'], resources: ['*'] });
    expect(statement?.note).toMatch(/names no resource/);
    expect(out.lint.some((f) => f.code === 'wildcard-resource' && f.severity === 'warning')).toBe(true);
  });

  it('narrows an unnamed resource to what the key is allowed it on', async () => {
    const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
    const out = await buildWorkloadPolicies(input({ observed: [use('dynamodb:DescribeTable', '*')], principalPolicies: [policy('orders', allow('dynamodb:*', table))] }));
    expect(pairsOf(out)).toEqual([`dynamodb:DescribeTable ${table}`]);
    expect(statementsOf(out)[0]?.note).toMatch(/allow them on today/);
  });

  it('groups actions with the same resources and drops resources another one covers', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [
          use('s3:GetObject', 'arn:aws:s3:::b/reports/*'),
          use('s3:GetObject', 'arn:aws:s3:::b/reports/daily/*'),
          use('s3:PutObject', 'arn:aws:s3:::b/reports/*'),
          use('s3:ListBucket', 'arn:aws:s3:::b'),
        ],
        principalPolicies: [admin],
      }),
    );
    expect(statementsOf(out).map((s) => [s.sid, s.actions, s.resources])).toEqual([
      ['ObservedS3', ['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::b/reports/*']],
      ['ObservedS3No2', ['s3:ListBucket'], ['arn:aws:s3:::b']],
    ]);
    expect(out.policies[0]?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ObservedS3', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::b/reports/*'] },
        { Sid: 'ObservedS3No2', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'] },
      ],
    });
    expect(out.policies[0]?.size).toBe(JSON.stringify(out.policies[0]?.document).length);
  });

  it('notes a resource in another account', async () => {
    const out = await buildWorkloadPolicies(input({ observed: [use('sqs:SendMessage', 'arn:aws:sqs:us-east-1:999999999999:shared')], principalPolicies: [admin] }));
    expect(out.notes.some((n) => n.includes('account 999999999999'))).toBe(true);
  });

  it('returns no policy when nothing is granted', async () => {
    const out = await buildWorkloadPolicies(input({ observed: [use('s3:GetObject', 'arn:aws:s3:::b/*')] }));
    expect(out.policies).toEqual([]);
    expect(out.notes.some((n) => n.startsWith('nothing to grant'))).toBe(true);
  });
});

// Where data events were not recorded, the workload's data actions are invisible: the role gets
// the key's current data-plane permissions for the service on the known resources, marked
// unobserved, never silently dropped.
import { describe, expect, it } from 'vitest';
import { buildWorkloadPolicies } from '../../../src/plan/policy/index.js';
import { allow, input, plannedPairs, policy, statementsOf, use } from './helpers.js';

describe('unobserved data actions', () => {
  it('grants the key’s current S3 object actions on the objects of known buckets', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:ListBucket', 'arn:aws:s3:::app-data')],
        principalPolicies: [policy('app', allow(['s3:ListBucket', 's3:GetObject', 's3:PutObject'], ['arn:aws:s3:::app-data', 'arn:aws:s3:::app-data/*']))],
        dataEventsRecorded: { s3: false },
        knownResources: ['arn:aws:s3:::app-data', 'arn:aws:s3:::other-bucket'],
      }),
    );
    expect(plannedPairs(out)).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::app-data/*', basis: 'unobserved' },
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::app-data', basis: 'observed' },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::app-data/*', basis: 'unobserved' },
    ]);
    const unobserved = statementsOf(out).find((s) => s.basis === 'unobserved');
    expect(unobserved?.sid).toBe('UnobservedS3');
    expect(unobserved?.note).toMatch(/s3 data events were not recorded/);
    expect(unobserved?.note).toMatch(/To tighten: record data events for AWS::S3::Object/);
  });

  it('says when recording is unknown, and grants nothing for a recorded service', async () => {
    const principalPolicies = [policy('admin', allow('*', '*'))];
    const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
    const unknown = await buildWorkloadPolicies(input({ principalPolicies, dataEventsRecorded: { dynamodb: null }, knownResources: [table] }));
    const actions = plannedPairs(unknown).map((p) => p.action);
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:DescribeTable');
    // a known table gives its indexes (Query) and streams (GetRecords) as well
    expect(new Set(plannedPairs(unknown).map((p) => p.resource))).toEqual(new Set([table, `${table}/index/*`, `${table}/stream/*`]));
    expect(plannedPairs(unknown)).toContainEqual({ action: 'dynamodb:Query', resource: `${table}/index/*`, basis: 'unobserved' });
    expect(statementsOf(unknown)[0]?.note).toMatch(/whether dynamodb data events were recorded is unknown/);

    const recorded = await buildWorkloadPolicies(input({ principalPolicies, dataEventsRecorded: { dynamodb: true }, knownResources: [table] }));
    expect(recorded.policies).toEqual([]);
  });

  it('keeps an observed data action as observed', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', 'arn:aws:s3:::app-data/*')],
        principalPolicies: [policy('read', allow('s3:GetObject', 'arn:aws:s3:::app-data/*'))],
        dataEventsRecorded: { s3: false },
        knownResources: ['arn:aws:s3:::app-data'],
      }),
    );
    expect(plannedPairs(out)).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::app-data/*', basis: 'observed' }]);
  });

  it('says what the key could use when no known resource fits, and grants nothing', async () => {
    const out = await buildWorkloadPolicies(
      input({ principalPolicies: [policy('read', allow('s3:GetObject', 'arn:aws:s3:::hidden/*'))], dataEventsRecorded: { s3: false }, knownResources: [] }),
    );
    expect(out.policies).toEqual([]);
    expect(out.notes.some((n) => n.includes('arn:aws:s3:::hidden/*') && n.includes('no such resource is known'))).toBe(true);
  });

  it('leaves management lookalikes out (S3 Object Lambda access points)', async () => {
    const out = await buildWorkloadPolicies(
      input({ principalPolicies: [policy('admin', allow('*', '*'))], dataEventsRecorded: { s3: false }, knownResources: ['arn:aws:s3:::app-data'] }),
    );
    const actions = plannedPairs(out).map((p) => p.action);
    expect(actions).toContain('s3:GetObject');
    expect(actions.some((a) => a.endsWith('ForObjectLambda'))).toBe(false);
  });
});

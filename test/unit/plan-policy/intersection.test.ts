// Permissions = observed use ∩ what the key's identity policies allow today: Allow, Deny,
// NotAction, NotResource, wildcards and conditions, including wildcard resources that a Deny
// reaches inside of and wildcards wider than the Allow.
import { describe, expect, it } from 'vitest';
import { buildWorkloadPolicies } from '../../../src/plan/policy/index.js';
import { allow, deny, input, pairsOf, policy, use } from './helpers.js';

const BUCKET = 'arn:aws:s3:::app-data';
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';

describe('intersection with the key holder’s identity policies', () => {
  it('grants what an Allow covers and reports what no policy allows', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/reports/*`), use('dynamodb:GetItem', TABLE)],
        principalPolicies: [policy('s3-read', allow('s3:Get*', `${BUCKET}/*`))],
      }),
    );
    expect(pairsOf(out)).toEqual([`s3:GetObject ${BUCKET}/reports/*`]);
    expect(out.notes.some((n) => n.includes(`dynamodb:GetItem on ${TABLE}`) && n.includes("none of the key's identity policies allows it"))).toBe(true);
  });

  it('never grants what a Deny covers, and names the policy', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/reports/*`), use('s3:DeleteObject', `${BUCKET}/reports/*`)],
        principalPolicies: [policy('s3-all', allow('s3:*', '*')), policy('no-deletes', deny('s3:DeleteObject', '*'))],
      }),
    );
    expect(pairsOf(out)).toEqual([`s3:GetObject ${BUCKET}/reports/*`]);
    expect(out.notes.some((n) => n.includes('s3:DeleteObject') && n.includes('explicitly denied by no-deletes'))).toBe(true);
  });

  it('reads NotAction in an Allow as "everything but" and in a Deny as "deny all but"', async () => {
    const notIam = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/a/*`), use('iam:ListUsers', '*')],
        principalPolicies: [policy('power-user', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
      }),
    );
    expect(pairsOf(notIam)).toEqual([`s3:GetObject ${BUCKET}/a/*`]);

    const onlyS3 = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/a/*`), use('sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:jobs')],
        principalPolicies: [policy('admin', allow('*', '*')), policy('fence', { Effect: 'Deny', NotAction: 's3:*', Resource: '*' })],
      }),
    );
    expect(pairsOf(onlyS3)).toEqual([`s3:GetObject ${BUCKET}/a/*`]);
  });

  it('honours NotResource', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:PutObject', `${BUCKET}/in/*`), use('s3:PutObject', 'arn:aws:s3:::payroll/in/*')],
        principalPolicies: [policy('all-but-payroll', { Effect: 'Allow', Action: 's3:PutObject', NotResource: ['arn:aws:s3:::payroll', 'arn:aws:s3:::payroll/*'] })],
      }),
    );
    expect(pairsOf(out)).toEqual([`s3:PutObject ${BUCKET}/in/*`]);
  });

  it('does not grant a wildcard that a Deny reaches inside of, and narrows to what is clear', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/*`)],
        principalPolicies: [policy('read', allow('s3:GetObject', [`${BUCKET}/*`, `${BUCKET}/reports/*`])), policy('secrets', deny('s3:GetObject', `${BUCKET}/secret/*`))],
      }),
    );
    // narrowed to the Allow pattern inside it that the Deny does not reach
    expect(pairsOf(out)).toEqual([`s3:GetObject ${BUCKET}/reports/*`]);
    expect(out.notes.some((n) => n.includes(`secrets denies ${BUCKET}/secret/*, which this pattern covers`))).toBe(true);
  });

  it('does not grant a wildcard that a Deny overlaps only in part, nor a narrower one it still reaches', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/*`)],
        // public/secret.txt would still be denied: public/* is no way out
        principalPolicies: [policy('read', allow('s3:GetObject', [`${BUCKET}/*`, `${BUCKET}/public/*`])), policy('no-secrets', deny('s3:*', 'arn:aws:s3:::*secret*'))],
      }),
    );
    expect(pairsOf(out)).toEqual([]);
    expect(out.notes.some((n) => n.includes(`no-secrets denies ${BUCKET}/*secret*`))).toBe(true);
  });

  it('does not grant * past an Allow whose NotResource leaves resources out', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:ListBucket', '*')],
        principalPolicies: [policy('not-s3', { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::*' })],
      }),
    );
    expect(pairsOf(out)).toEqual([]);
    expect(out.notes.some((n) => n.includes("today's policies do not allow arn:aws:s3:::*"))).toBe(true);
  });

  it('narrows a wildcard wider than the Allow to the Allow patterns inside it', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/*`)],
        principalPolicies: [policy('read', allow('s3:GetObject', [`${BUCKET}/reports/*`, `${BUCKET}/exports/daily/*`]))],
      }),
    );
    expect(pairsOf(out)).toEqual([`s3:GetObject ${BUCKET}/exports/daily/*`, `s3:GetObject ${BUCKET}/reports/*`]);
    expect(out.notes.some((n) => n.includes('narrowed to'))).toBe(true);
  });

  it('grants nothing on an Allow whose conditions cannot be decided, unless the request context decides them', async () => {
    const conditional = policy('office-only', allow('sqs:SendMessage', '*', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }));
    const observed = [use('sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:jobs')];
    const undecided = await buildWorkloadPolicies(input({ observed, principalPolicies: [conditional] }));
    expect(pairsOf(undecided)).toEqual([]);
    expect(undecided.notes.some((n) => n.includes('conditions on aws:SourceIp'))).toBe(true);
    expect(undecided.nonPortableConditions).toEqual([{ policy: 'office-only', key: 'aws:SourceIp', reason: expect.any(String) as string }]);

    const decided = await buildWorkloadPolicies(input({ observed, principalPolicies: [conditional], requestContext: { values: { 'aws:SourceIp': '203.0.113.7' } } }));
    expect(pairsOf(decided)).toEqual(['sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:jobs']);
  });

  it('treats a Deny with undecided conditions as applying', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:PutObject', `${BUCKET}/in/*`)],
        principalPolicies: [
          policy('write', allow('s3:PutObject', '*')),
          policy('mfa-for-writes', deny('s3:PutObject', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })),
        ],
      }),
    );
    expect(pairsOf(out)).toEqual([]);
    expect(out.notes.some((n) => n.includes('may apply'))).toBe(true);
  });

  it('reports conditions and variables that do not carry over to a role, and copies none', async () => {
    const out = await buildWorkloadPolicies(
      input({
        observed: [use('s3:GetObject', `${BUCKET}/home/app/*`)],
        principalPolicies: [policy('home', allow('s3:GetObject', `${BUCKET}/home/\${aws:username}/*`), allow('s3:GetObject', `${BUCKET}/*`))],
      }),
    );
    expect(out.nonPortableConditions.map((c) => [c.policy, c.key])).toEqual([['home', '${aws:username}']]);
    expect(JSON.stringify(out.policies)).not.toContain('Condition');
  });

  it('refuses a principal policy it cannot read rather than plan past a Deny it might hold', async () => {
    await expect(buildWorkloadPolicies(input({ observed: [use('s3:GetObject', `${BUCKET}/a/*`)], principalPolicies: [{ name: 'broken', document: { Statement: [{ Effect: 'Maybe' }] } }] }))).rejects.toThrow(
      /identity policy broken/,
    );
  });
});

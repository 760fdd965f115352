// evaluateIdentityPolicies: Deny over Allow over the implicit deny, across statements and
// policies; NotAction and NotResource; what `matched` reports; and the conservative rule for
// statements whose conditions cannot be decided.
import { describe, expect, it } from 'vitest';
import { allow, decide, deny, doc, evaluate } from './helpers.js';

const getObject = { action: 's3:GetObject', resource: 'arn:aws:s3:::reports/daily.csv' };

describe('the decision', () => {
  it('is an implicit deny with no policies or no applicable statement', () => {
    expect(evaluate([], getObject)).toEqual({ decision: 'implicit-deny', matched: [], conditionsUnknown: [] });
    expect(decide([doc(allow('s3:PutObject'))], getObject)).toBe('implicit-deny');
    expect(decide([doc(allow('s3:GetObject', 'arn:aws:s3:::other/*'))], getObject)).toBe('implicit-deny');
  });

  it('allows on an applicable Allow', () => {
    expect(decide([doc(allow('s3:GetObject', 'arn:aws:s3:::reports/*'))], getObject)).toBe('allow');
  });

  it('lets an explicit Deny beat an Allow, in either order, in the same or another policy', () => {
    const a = allow('s3:*');
    const d = deny('s3:GetObject', 'arn:aws:s3:::reports/*');
    expect(decide([doc(a, d)], getObject)).toBe('explicit-deny');
    expect(decide([doc(d, a)], getObject)).toBe('explicit-deny');
    expect(decide([doc(a), doc(d)], getObject)).toBe('explicit-deny');
    expect(decide([doc(d), doc(a)], getObject)).toBe('explicit-deny');
  });

  it('denies explicitly even with no Allow at all', () => {
    expect(decide([doc(deny('*'))], getObject)).toBe('explicit-deny');
  });

  it('lets a Deny that does not apply leave the Allow standing', () => {
    expect(decide([doc(allow('s3:*'), deny('s3:PutObject'))], getObject)).toBe('allow');
    expect(decide([doc(allow('s3:*'), deny('s3:GetObject', 'arn:aws:s3:::secret/*'))], getObject)).toBe('allow');
  });

  it('combines policies: an Allow in any one is enough', () => {
    expect(decide([doc(allow('ec2:*')), doc(allow('s3:GetObject'))], getObject)).toBe('allow');
  });

  it('reports every applicable statement with its policy, position and Sid', () => {
    const result = evaluate([doc(allow('s3:*', '*', { Sid: 'All' }), allow('ec2:*')), doc(deny('s3:Get*'), allow('s3:GetObject', '*', { Sid: 'One' }))], getObject);
    expect(result.decision).toBe('explicit-deny');
    expect(result.matched).toEqual([
      { policyIndex: 0, statementIndex: 0, sid: 'All', effect: 'Allow', assumed: false },
      { policyIndex: 1, statementIndex: 0, effect: 'Deny', assumed: false },
      { policyIndex: 1, statementIndex: 1, sid: 'One', effect: 'Allow', assumed: false },
    ]);
  });
});

describe('NotAction', () => {
  it('with Allow grants every action except those listed', () => {
    const p = doc({ Effect: 'Allow', NotAction: ['iam:*', 's3:DeleteBucket'], Resource: '*' });
    expect(decide([p], getObject)).toBe('allow');
    expect(decide([p], { action: 'ec2:RunInstances', resource: '*' })).toBe('allow');
    expect(decide([p], { action: 'iam:CreateUser', resource: 'arn:aws:iam::111122223333:user/x' })).toBe('implicit-deny');
    expect(decide([p], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::b' })).toBe('implicit-deny');
  });

  it('with Deny denies every action except those listed, and grants nothing', () => {
    const p = doc({ Effect: 'Deny', NotAction: 's3:Get*', Resource: '*' }, allow('*'));
    expect(decide([p], getObject)).toBe('allow');
    expect(decide([p], { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' })).toBe('explicit-deny');
    expect(decide([doc({ Effect: 'Deny', NotAction: 's3:Get*', Resource: '*' })], getObject)).toBe('implicit-deny');
  });

  it('matches the listed actions without regard to case', () => {
    const p = doc({ Effect: 'Allow', NotAction: 'S3:getobject', Resource: '*' });
    expect(decide([p], getObject)).toBe('implicit-deny');
  });
});

describe('NotResource', () => {
  it('with Allow grants on every resource except those listed', () => {
    const p = doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' });
    expect(decide([p], getObject)).toBe('allow');
    expect(decide([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::secret/k' })).toBe('implicit-deny');
  });

  it('with Deny denies every resource except those listed', () => {
    const p = doc(allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] });
    expect(decide([p], getObject)).toBe('allow');
    expect(decide([p], { action: 's3:GetObject', resource: 'arn:aws:s3:::other/k' })).toBe('explicit-deny');
  });

  it('covers the "*" resource of actions that name none', () => {
    const p = doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret' });
    expect(decide([p], { action: 's3:ListAllMyBuckets', resource: '*' })).toBe('allow');
  });
});

describe('statements that hang on unknown context', () => {
  const conditional = (effect: 'Allow' | 'Deny') => ({
    Effect: effect,
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  });

  it('an Allow grants nothing, and the key is reported', () => {
    const result = evaluate([doc(conditional('Allow'))], getObject);
    expect(result).toEqual({ decision: 'implicit-deny', matched: [], conditionsUnknown: ['aws:SourceIp'] });
  });

  it('a Deny is assumed to apply, flagged as assumed', () => {
    const result = evaluate([doc(allow('s3:*'), conditional('Deny'))], getObject);
    expect(result.decision).toBe('explicit-deny');
    expect(result.matched.find((m) => m.effect === 'Deny')).toMatchObject({ statementIndex: 1, assumed: true });
    expect(result.conditionsUnknown).toEqual(['aws:SourceIp']);
  });

  it('with the key given, both are decided as IAM would', () => {
    const inside = { ...getObject, context: { 'aws:SourceIp': '203.0.113.9' } };
    const outside = { ...getObject, context: { 'aws:SourceIp': '198.51.100.1' } };
    expect(decide([doc(conditional('Allow'))], inside)).toBe('allow');
    expect(decide([doc(conditional('Allow'))], outside)).toBe('implicit-deny');
    expect(decide([doc(allow('s3:*'), conditional('Deny'))], inside)).toBe('explicit-deny');
    expect(decide([doc(allow('s3:*'), conditional('Deny'))], outside)).toBe('allow');
    expect(evaluate([doc(conditional('Allow'))], inside).conditionsUnknown).toEqual([]);
  });

  it('a known-false condition decides the statement even when another key is unknown', () => {
    const d = doc(allow('s3:*'), {
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'x' } },
    });
    const result = evaluate([d], { ...getObject, context: { 'aws:RequestedRegion': 'us-east-1' } });
    expect(result).toMatchObject({ decision: 'allow', conditionsUnknown: [] });
  });

  it('reports only keys of statements that match the action and resource, once each, sorted', () => {
    const result = evaluate(
      [
        doc(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:userid': 'AIDA1', 'aws:SourceVpc': 'vpc-1' } } },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:SOURCEVPC': 'vpc-2' } } },
          { Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'ec2:Region': 'x' } } },
        ),
      ],
      getObject,
    );
    expect(result.conditionsUnknown).toEqual(['aws:SourceVpc', 'aws:userid']);
  });
});

// conditionsThatDoNotCarryOver: the user-specific conditions and variables that the planner must
// report rather than copy into an instance role's policy.
import { describe, expect, it } from 'vitest';
import { conditionsThatDoNotCarryOver, parsePolicy } from '../../../src/plan/evaluator/index.js';
import { allow, deny, doc } from './helpers.js';

const keysOf = (d: unknown) => conditionsThatDoNotCarryOver(parsePolicy(d)).map((c) => c.key);

describe('conditionsThatDoNotCarryOver', () => {
  it('finds nothing in a policy without user-specific conditions', () => {
    expect(keysOf(doc(allow('s3:GetObject', 'arn:aws:s3:::b/*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } })))).toEqual([]);
  });

  it('reports each user-specific condition key, with a reason and the statement', () => {
    const d = doc(
      allow('s3:*', '*', { Sid: 'Office', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
      deny('*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' }, NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } }),
      allow('s3:*', '*', { Condition: { StringEquals: { 'aws:username': 'alice', 'aws:userid': 'AIDAEXAMPLE' } } }),
    );
    const found = conditionsThatDoNotCarryOver(parsePolicy(d));
    expect(found.map((f) => [f.statementIndex, f.key, f.element])).toEqual([
      [0, 'aws:SourceIp', 'Condition'],
      [1, 'aws:MultiFactorAuthPresent', 'Condition'],
      [1, 'aws:MultiFactorAuthAge', 'Condition'],
      [2, 'aws:username', 'Condition'],
      [2, 'aws:userid', 'Condition'],
    ]);
    expect(found[0]).toMatchObject({ sid: 'Office' });
    for (const f of found) expect(f.reason.length).toBeGreaterThan(20);
    expect(found[0]?.reason).toMatch(/address/);
    expect(found[1]?.reason).toMatch(/MFA/);
  });

  it('reports aws:PrincipalType only when it names User', () => {
    expect(keysOf(doc(allow('*', '*', { Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } })))).toEqual(['aws:PrincipalType']);
    expect(keysOf(doc(allow('*', '*', { Condition: { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } } })))).toEqual([]);
  });

  it('reports aws:PrincipalArn only when it names a user', () => {
    expect(keysOf(doc(allow('*', '*', { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:user/app' } } })))).toEqual(['aws:PrincipalArn']);
    expect(keysOf(doc(allow('*', '*', { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/app' } } })))).toEqual([]);
  });

  it('reports aws:TokenIssueTime and principal tags', () => {
    expect(keysOf(doc(allow('*', '*', { Condition: { Null: { 'aws:TokenIssueTime': 'true' } } })))).toEqual(['aws:TokenIssueTime']);
    expect(keysOf(doc(allow('*', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } })))).toEqual(['aws:PrincipalTag/team']);
  });

  it('matches key names without regard to case', () => {
    expect(keysOf(doc(allow('*', '*', { Condition: { IpAddress: { 'AWS:SOURCEIP': '10.0.0.0/8' } } })))).toEqual(['AWS:SOURCEIP']);
  });

  it('reports ${aws:username}, ${aws:userid} and principal-tag variables in Resource, NotResource and condition values', () => {
    const d = doc(
      allow('iam:*AccessKey*', 'arn:aws:iam::*:user/${aws:username}'),
      { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::home/${aws:userid}/*' },
      allow('s3:ListBucket', 'arn:aws:s3:::b', { Condition: { StringLike: { 's3:prefix': ['${aws:username}/*', '${aws:PrincipalTag/team}/*'] } } }),
    );
    const found = conditionsThatDoNotCarryOver(parsePolicy(d));
    expect(found.map((f) => [f.statementIndex, f.key, f.element])).toEqual([
      [0, '${aws:username}', 'Resource'],
      [1, '${aws:userid}', 'NotResource'],
      [2, '${aws:username}', 'Condition'],
      [2, '${aws:PrincipalTag/team}', 'Condition'],
    ]);
  });

  it('reports each key once per statement and element', () => {
    const d = doc(allow('s3:*', ['arn:aws:s3:::h/${aws:username}', 'arn:aws:s3:::h/${aws:username}/*']));
    expect(keysOf(d)).toEqual(['${aws:username}']);
  });

  it('ignores `${...}` text in a 2008-10-17 document, where it is no variable', () => {
    expect(keysOf({ Version: '2008-10-17', Statement: allow('s3:*', 'arn:aws:s3:::h/${aws:username}') })).toEqual([]);
  });

  it('covers the AWS example "MFA-authenticated IAM users manage their own credentials"', () => {
    const d = doc(
      allow(['iam:CreateAccessKey', 'iam:DeleteAccessKey'], 'arn:aws:iam::*:user/${aws:username}', { Sid: 'AllowManageOwnAccessKeys' }),
      { Sid: 'DenyAllExceptListedIfNoMFA', Effect: 'Deny', NotAction: ['iam:GetUser'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
    );
    expect(conditionsThatDoNotCarryOver(parsePolicy(d)).map((f) => [f.sid, f.key])).toEqual([
      ['AllowManageOwnAccessKeys', '${aws:username}'],
      ['DenyAllExceptListedIfNoMFA', 'aws:MultiFactorAuthPresent'],
    ]);
  });
});

// Which resource-policy statements name a key holder: by ARN or unique ID, with Principal as a
// string, a list or an {AWS: …} map; "*", the account and services name no user.
import { describe, expect, it } from 'vitest';
import { awsPrincipals, principalDelegatesToAccount, principalNames, statementsNaming } from '../../../src/scan/aws/iam/principal-match.js';

const alice = { arn: 'arn:aws:iam::111122223333:user/team/alice', userId: 'AIDAEXAMPLEALICE0001' };

describe('principal matching', () => {
  it('reads the AWS entry of every Principal form', () => {
    expect(awsPrincipals('*')).toEqual(['*']);
    expect(awsPrincipals({ AWS: alice.arn })).toEqual([alice.arn]);
    expect(awsPrincipals({ AWS: [alice.arn, '111122223333'] })).toEqual([alice.arn, '111122223333']);
    expect(awsPrincipals({ Service: 'ec2.amazonaws.com' })).toEqual([]);
    expect(awsPrincipals(undefined)).toEqual([]);
    expect(awsPrincipals(['not', 'a', 'principal'])).toEqual([]);
  });

  it('names the user by ARN or unique ID, and only exactly', () => {
    expect(principalNames({ AWS: alice.arn }, alice)).toBe(true);
    expect(principalNames({ AWS: ['arn:aws:iam::111122223333:user/bob', alice.userId] }, alice)).toBe(true);
    expect(principalNames({ AWS: 'arn:aws:iam::111122223333:user/alice' }, alice)).toBe(false); // path differs
    expect(principalNames({ AWS: `${alice.arn}x` }, alice)).toBe(false);
    expect(principalNames('*', alice)).toBe(false);
    expect(principalNames({ AWS: '*' }, alice)).toBe(false);
    expect(principalNames({ AWS: 'arn:aws:iam::111122223333:root' }, alice)).toBe(false);
    expect(principalNames({ Service: alice.arn }, alice)).toBe(false);
  });

  it('tells a principal that defers to the account', () => {
    expect(principalDelegatesToAccount({ AWS: 'arn:aws:iam::111122223333:root' }, '111122223333')).toBe(true);
    expect(principalDelegatesToAccount({ AWS: 'arn:aws-cn:iam::111122223333:root' }, '111122223333')).toBe(true);
    expect(principalDelegatesToAccount({ AWS: '111122223333' }, '111122223333')).toBe(true);
    expect(principalDelegatesToAccount('*', '111122223333')).toBe(true);
    expect(principalDelegatesToAccount({ AWS: 'arn:aws:iam::444455556666:root' }, '111122223333')).toBe(false);
    expect(principalDelegatesToAccount({ Service: 'ec2.amazonaws.com' }, '111122223333')).toBe(false);
  });

  it('keeps the naming statements verbatim, with Statement as one object or a list; NotPrincipal never names', () => {
    const naming = { Sid: 'ReadAlice', Effect: 'Allow', Principal: { AWS: [alice.arn] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const denyNaming = { Effect: 'Deny', Principal: { AWS: alice.userId }, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' };
    const everyone = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const notPrincipal = { Effect: 'Deny', NotPrincipal: { AWS: alice.arn }, Action: 's3:*', Resource: '*' };
    expect(statementsNaming({ Statement: [naming, everyone, denyNaming, notPrincipal] }, alice)).toEqual([naming, denyNaming]);
    expect(statementsNaming({ Statement: naming }, alice)).toEqual([naming]);
    expect(statementsNaming({}, alice)).toEqual([]);
  });
});

// Policy variables in Resource and NotResource: filled from the context, defaults, literal
// special characters, and the conservative reading of a variable the caller did not supply.
import { describe, expect, it } from 'vitest';
import { allow, decide, deny, doc, evaluate } from './helpers.js';

const own = doc(allow('iam:*AccessKey*', 'arn:aws:iam::111122223333:user/${aws:username}'));
const keyOf = (user: string) => ({ action: 'iam:CreateAccessKey', resource: `arn:aws:iam::111122223333:user/${user}` });

describe('variables in Resource', () => {
  it('are filled from the context, key names without regard to case', () => {
    expect(decide([own], { ...keyOf('alice'), context: { 'aws:username': 'alice' } })).toBe('allow');
    expect(decide([own], { ...keyOf('alice'), context: { 'AWS:UserName': 'alice' } })).toBe('allow');
    expect(decide([own], { ...keyOf('bob'), context: { 'aws:username': 'alice' } })).toBe('implicit-deny');
  });

  it('fill in aws:userid and principal tags', () => {
    const byId = doc(allow('s3:*', 'arn:aws:s3:::home/${aws:userid}/*'));
    expect(decide([byId], { action: 's3:GetObject', resource: 'arn:aws:s3:::home/AIDAEXAMPLE/x', context: { 'aws:userid': 'AIDAEXAMPLE' } })).toBe('allow');
    const byTag = doc(allow('s3:*', 'arn:aws:s3:::team-${aws:PrincipalTag/team}/*'));
    expect(decide([byTag], { action: 's3:GetObject', resource: 'arn:aws:s3:::team-data/x', context: { 'aws:PrincipalTag/team': 'data' } })).toBe('allow');
  });

  it('use the default when the key is known to be absent, and match nothing without one', () => {
    const withDefault = doc(allow('s3:*', "arn:aws:s3:::home/${aws:username, 'shared'}/*"));
    expect(decide([withDefault], { action: 's3:GetObject', resource: 'arn:aws:s3:::home/shared/x', absentKeys: ['aws:username'] })).toBe('allow');
    expect(decide([own], { ...keyOf('${aws:username}'), absentKeys: '*' })).toBe('implicit-deny');
  });

  it('a multivalued key cannot fill a variable', () => {
    expect(decide([own], { ...keyOf('alice'), context: { 'aws:username': ['alice', 'bob'] } })).toBe('implicit-deny');
  });

  it('${*} is a literal asterisk in an ARN', () => {
    const literal = doc(allow('s3:GetObject', 'arn:aws:s3:::b/${*}'));
    expect(decide([literal], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/*' })).toBe('allow');
    expect(decide([literal], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/anything' })).toBe('implicit-deny');
  });

  it('an unsupplied variable: an Allow grants nothing, and the key is reported', () => {
    expect(evaluate([own], keyOf('alice'))).toEqual({ decision: 'implicit-deny', matched: [], conditionsUnknown: ['aws:username'] });
  });

  it('an unsupplied variable: a Deny is assumed where the ARN could match, and only there', () => {
    const d = doc(allow('s3:*'), deny('s3:*', 'arn:aws:s3:::private/${aws:username}/*'));
    const inside = evaluate([d], { action: 's3:GetObject', resource: 'arn:aws:s3:::private/alice/x' });
    expect(inside.decision).toBe('explicit-deny');
    expect(inside.matched.find((m) => m.effect === 'Deny')?.assumed).toBe(true);
    expect(inside.conditionsUnknown).toEqual(['aws:username']);
    const outside = evaluate([d], { action: 's3:GetObject', resource: 'arn:aws:s3:::public/x' });
    expect(outside).toMatchObject({ decision: 'allow', conditionsUnknown: [] });
  });
});

describe('variables in NotResource', () => {
  const everythingButOthers = doc(allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::home/${aws:username}/*' });

  it('are filled from the context', () => {
    expect(decide([everythingButOthers], { action: 's3:GetObject', resource: 'arn:aws:s3:::home/alice/x', context: { 'aws:username': 'alice' } })).toBe('allow');
    expect(decide([everythingButOthers], { action: 's3:GetObject', resource: 'arn:aws:s3:::home/bob/x', context: { 'aws:username': 'alice' } })).toBe(
      'explicit-deny',
    );
  });

  it('unsupplied: the Deny is assumed (it may cover the resource), and certain where the ARN cannot match', () => {
    const maybe = evaluate([everythingButOthers], { action: 's3:GetObject', resource: 'arn:aws:s3:::home/alice/x' });
    expect(maybe).toMatchObject({ decision: 'explicit-deny', conditionsUnknown: ['aws:username'] });
    expect(maybe.matched.find((m) => m.effect === 'Deny')?.assumed).toBe(true);
    const certain = evaluate([everythingButOthers], { action: 's3:GetObject', resource: 'arn:aws:s3:::elsewhere/x' });
    expect(certain).toMatchObject({ decision: 'explicit-deny', conditionsUnknown: [] });
    expect(certain.matched.find((m) => m.effect === 'Deny')?.assumed).toBe(false);
  });
});

// IAM wildcard matching and the simple evaluation behind assumable roles: Action/NotAction,
// Resource/NotResource, `*` and `?`, policy variables, explicit denies.
import { describe, expect, it } from 'vitest';
import { identityPoliciesAllow, wildcardMatches } from '../../../src/scan/aws/iam/policy-match.js';

const ROLE = 'arn:aws:iam::111122223333:role/app/deploy-web';
const vars = { 'aws:username': 'alice', 'aws:userid': 'AIDAEXAMPLEALICE0001' };

describe('wildcard matching', () => {
  it('matches * and ? and escapes everything else', () => {
    expect(wildcardMatches('arn:aws:iam::111122223333:role/app/*', ROLE, { ignoreCase: false })).toBe(true);
    expect(wildcardMatches('arn:aws:iam::*:role/app/deploy-???', ROLE, { ignoreCase: false })).toBe(true);
    expect(wildcardMatches('arn:aws:iam::111122223333:role/app/deploy-??', ROLE, { ignoreCase: false })).toBe(false);
    expect(wildcardMatches('arn:aws:iam::111122223333:role/App/*', ROLE, { ignoreCase: false })).toBe(false);
    expect(wildcardMatches('arn:aws:iam::111122223333:role/app.deploy-web', 'arn:aws:iam::111122223333:role/appXdeploy-web', { ignoreCase: false })).toBe(false);
    expect(wildcardMatches('STS:Assume*', 'sts:AssumeRole', { ignoreCase: true })).toBe(true);
  });

  it('substitutes known policy variables and lets unknown ones match anything', () => {
    expect(wildcardMatches('arn:aws:iam::*:role/${aws:username}-*', 'arn:aws:iam::1:role/alice-app', { ignoreCase: false, variables: vars })).toBe(true);
    expect(wildcardMatches('arn:aws:iam::*:role/${aws:username}-*', 'arn:aws:iam::1:role/bob-app', { ignoreCase: false, variables: vars })).toBe(false);
    expect(wildcardMatches('arn:aws:iam::*:role/${aws:PrincipalTag/team}', 'arn:aws:iam::1:role/web', { ignoreCase: false, variables: vars })).toBe(true);
    expect(wildcardMatches('role/${*}', 'role/*', { ignoreCase: false })).toBe(true);
    expect(wildcardMatches('role/${*}', 'role/x', { ignoreCase: false })).toBe(false);
  });
});

describe('identity policy evaluation', () => {
  const allow = (Action: unknown, Resource: unknown) => ({ Statement: [{ Effect: 'Allow', Action, Resource }] });

  it('allows on an exact or wildcard action and resource', () => {
    expect(identityPoliciesAllow([allow('sts:AssumeRole', ROLE)], 'sts:AssumeRole', ROLE, vars)).toBe(true);
    expect(identityPoliciesAllow([allow(['s3:*', 'sts:*'], 'arn:aws:iam::111122223333:role/app/*')], 'sts:AssumeRole', ROLE, vars)).toBe(true);
    expect(identityPoliciesAllow([allow('*', '*')], 'sts:AssumeRole', ROLE, vars)).toBe(true);
    expect(identityPoliciesAllow([allow('sts:AssumeRoleWithSAML', ROLE)], 'sts:AssumeRole', ROLE, vars)).toBe(false);
    expect(identityPoliciesAllow([allow('sts:AssumeRole', 'arn:aws:iam::111122223333:role/other')], 'sts:AssumeRole', ROLE, vars)).toBe(false);
    expect(identityPoliciesAllow([], 'sts:AssumeRole', ROLE, vars)).toBe(false);
  });

  it('reads NotAction and NotResource as "everything but"', () => {
    expect(identityPoliciesAllow([{ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }], 'sts:AssumeRole', ROLE, vars)).toBe(true);
    expect(identityPoliciesAllow([{ Statement: [{ Effect: 'Allow', NotAction: 'sts:*', Resource: '*' }] }], 'sts:AssumeRole', ROLE, vars)).toBe(false);
    expect(identityPoliciesAllow([{ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', NotResource: 'arn:aws:iam::*:role/admin-*' }] }], 'sts:AssumeRole', ROLE, vars)).toBe(true);
  });

  it('lets an unconditional Deny win, but not a conditional one', () => {
    const deny = { Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/app/*' }] };
    const conditionalDeny = { Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }] };
    expect(identityPoliciesAllow([allow('sts:AssumeRole', '*'), deny], 'sts:AssumeRole', ROLE, vars)).toBe(false);
    expect(identityPoliciesAllow([allow('sts:AssumeRole', '*'), conditionalDeny], 'sts:AssumeRole', ROLE, vars)).toBe(true);
  });
});

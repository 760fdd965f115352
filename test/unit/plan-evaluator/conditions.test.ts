// Every condition operator, positive and negative, with a fully known context (keys not given
// are absent, IAM's own semantics); then IfExists, Null, set operators, several keys and values,
// and what happens to keys the caller does not know.
import { describe, expect, it } from 'vitest';
import { allow, conditionHolds as holds, decide, deny, doc, evaluate } from './helpers.js';

describe('string operators', () => {
  it('StringEquals: exact and case-sensitive, `*` literal', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'data' } }, { 'aws:PrincipalTag/team': 'data' })).toBe(true);
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'data' } }, { 'aws:PrincipalTag/team': 'Data' })).toBe(false);
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'da*' } }, { 'aws:PrincipalTag/team': 'data' })).toBe(false);
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'da*' } }, { 'aws:PrincipalTag/team': 'da*' })).toBe(true);
  });

  it('StringNotEquals', () => {
    expect(holds({ StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, { 'aws:RequestedRegion': 'us-east-1' })).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, { 'aws:RequestedRegion': 'eu-west-1' })).toBe(false);
  });

  it('StringEqualsIgnoreCase and StringNotEqualsIgnoreCase', () => {
    expect(holds({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'DATA' } }, { 'aws:PrincipalTag/team': 'data' })).toBe(true);
    expect(holds({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'ops' } }, { 'aws:PrincipalTag/team': 'data' })).toBe(false);
    expect(holds({ StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'DATA' } }, { 'aws:PrincipalTag/team': 'data' })).toBe(false);
    expect(holds({ StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'ops' } }, { 'aws:PrincipalTag/team': 'data' })).toBe(true);
  });

  it('StringLike with `*` and `?`, case-sensitive', () => {
    expect(holds({ StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice/' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'Home/alice/' })).toBe(false);
    expect(holds({ StringLike: { 'ec2:InstanceType': 't?.micro' } }, { 'ec2:InstanceType': 't3.micro' })).toBe(true);
    expect(holds({ StringLike: { 'ec2:InstanceType': 't?.micro' } }, { 'ec2:InstanceType': 't3a.micro' })).toBe(false);
  });

  it('StringNotLike', () => {
    expect(holds({ StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'public/x' })).toBe(true);
    expect(holds({ StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'private/x' })).toBe(false);
  });

  it('ORs the policy values of a positive operator and NORs those of a negated one', () => {
    const regions = ['eu-central-1', 'eu-west-1'];
    expect(holds({ StringEquals: { 'aws:RequestedRegion': regions } }, { 'aws:RequestedRegion': 'eu-west-1' })).toBe(true);
    expect(holds({ StringEquals: { 'aws:RequestedRegion': regions } }, { 'aws:RequestedRegion': 'us-east-1' })).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:RequestedRegion': regions } }, { 'aws:RequestedRegion': 'eu-west-1' })).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:RequestedRegion': regions } }, { 'aws:RequestedRegion': 'us-east-1' })).toBe(true);
  });
});

describe('numeric operators', () => {
  const cases: [string, string, boolean, boolean, boolean][] = [
    // operator, policy value, holds for 5, for 10, for 15
    ['NumericEquals', '10', false, true, false],
    ['NumericNotEquals', '10', true, false, true],
    ['NumericLessThan', '10', true, false, false],
    ['NumericLessThanEquals', '10', true, true, false],
    ['NumericGreaterThan', '10', false, false, true],
    ['NumericGreaterThanEquals', '10', false, true, true],
  ];
  it.each(cases)('%s %s', (operator, value, at5, at10, at15) => {
    const at = (n: string) => holds({ [operator]: { 's3:max-keys': value } }, { 's3:max-keys': n });
    expect([at('5'), at('10'), at('15')]).toEqual([at5, at10, at15]);
  });

  it('compares numbers, not text, and accepts JSON numbers and decimals', () => {
    expect(holds({ NumericLessThan: { 's3:max-keys': 100 } }, { 's3:max-keys': '9' })).toBe(true);
    expect(holds({ NumericEquals: { 'x:n': '1.50' } }, { 'x:n': '1.5' })).toBe(true);
  });

  it('a value that is no number does not match', () => {
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' })).toBe(false);
    expect(holds({ NumericLessThan: { 's3:max-keys': 'ten' } }, { 's3:max-keys': '1' })).toBe(false);
  });
});

describe('date operators', () => {
  const cases: [string, boolean, boolean, boolean][] = [
    // operator, holds for a time before, equal to, after 2020-01-01T00:00:00Z
    ['DateEquals', false, true, false],
    ['DateNotEquals', true, false, true],
    ['DateLessThan', true, false, false],
    ['DateLessThanEquals', true, true, false],
    ['DateGreaterThan', false, false, true],
    ['DateGreaterThanEquals', false, true, true],
  ];
  it.each(cases)('%s', (operator, before, equal, after) => {
    const at = (t: string) => holds({ [operator]: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, { 'aws:CurrentTime': t });
    expect([at('2019-12-31T23:59:59Z'), at('2020-01-01T00:00:00Z'), at('2020-01-01T00:00:01Z')]).toEqual([before, equal, after]);
  });

  it('reads epoch seconds, offsets and date-only values, and a time without zone as UTC', () => {
    const at = (policy: string, request: string) => holds({ DateEquals: { 'aws:CurrentTime': policy } }, { 'aws:CurrentTime': request });
    expect(at('1577836800', '2020-01-01T00:00:00Z')).toBe(true);
    expect(at('2020-01-01T01:00:00+01:00', '2020-01-01T00:00:00Z')).toBe(true);
    expect(at('2020-01-01', '2020-01-01T00:00:00Z')).toBe(true);
    expect(at('2020-01-01T00:00:00', '2020-01-01T00:00:00Z')).toBe(true);
    expect(at('2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00Z')).toBe(true);
  });

  it('a malformed date does not match', () => {
    expect(holds({ DateLessThan: { 'aws:CurrentTime': 'soon' } }, { 'aws:CurrentTime': '2020-01-01T00:00:00Z' })).toBe(false);
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': 'yesterday' })).toBe(false);
  });
});

describe('Bool', () => {
  it('matches true and false without regard to case', () => {
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'true' })).toBe(false);
    expect(holds({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'TRUE' })).toBe(true);
  });
});

describe('BinaryEquals', () => {
  it('compares the decoded bytes', () => {
    const b64 = Buffer.from('BinaryValueInBase64').toString('base64');
    expect(holds({ BinaryEquals: { 'x:blob': b64 } }, { 'x:blob': b64 })).toBe(true);
    expect(holds({ BinaryEquals: { 'x:blob': b64 } }, { 'x:blob': Buffer.from('other').toString('base64') })).toBe(false);
  });
});

describe('IP address operators', () => {
  it('IpAddress: inside any of the ranges, IPv4 and IPv6', () => {
    const ranges = ['203.0.113.0/24', '2001:DB8:1234:5678::/64'];
    expect(holds({ IpAddress: { 'aws:SourceIp': ranges } }, { 'aws:SourceIp': '203.0.113.200' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': ranges } }, { 'aws:SourceIp': '2001:db8:1234:5678::1' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': ranges } }, { 'aws:SourceIp': '203.0.114.1' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': ranges } }, { 'aws:SourceIp': '2001:db8:1234:5679::1' })).toBe(false);
  });

  it('an address without prefix is a single address', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.5' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.6' })).toBe(false);
  });

  it('NotIpAddress: outside every range', () => {
    const ranges = ['192.0.2.0/24', '203.0.113.0/24'];
    expect(holds({ NotIpAddress: { 'aws:SourceIp': ranges } }, { 'aws:SourceIp': '198.51.100.1' })).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': ranges } }, { 'aws:SourceIp': '192.0.2.1' })).toBe(false);
  });

  it('malformed values and mixed families do not match', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } }, { 'aws:SourceIp': '203.0.113.1' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': 'office' } }, { 'aws:SourceIp': '203.0.113.1' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '203.0.113.1' })).toBe(false);
  });
});

describe('ARN operators', () => {
  const topic = 'arn:aws:sns:us-east-2:123456789012:TOPIC-ID';
  it('ArnEquals and ArnLike behave identically, wildcards included', () => {
    for (const op of ['ArnEquals', 'ArnLike']) {
      expect(holds({ [op]: { 'aws:SourceArn': topic } }, { 'aws:SourceArn': topic })).toBe(true);
      expect(holds({ [op]: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:*' } }, { 'aws:SourceArn': topic })).toBe(true);
      expect(holds({ [op]: { 'aws:SourceArn': 'arn:aws:sns:*:999999999999:*' } }, { 'aws:SourceArn': topic })).toBe(false);
    }
  });

  it('ArnNotEquals and ArnNotLike', () => {
    for (const op of ['ArnNotEquals', 'ArnNotLike']) {
      expect(holds({ [op]: { 'aws:SourceArn': 'arn:aws:sns:*:999999999999:*' } }, { 'aws:SourceArn': topic })).toBe(true);
      expect(holds({ [op]: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:*' } }, { 'aws:SourceArn': topic })).toBe(false);
    }
  });

  it('ArnLike is case-sensitive', () => {
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:topic-id' } }, { 'aws:SourceArn': topic })).toBe(false);
  });

  // IAM User Guide, "Condition operators", ARN condition operators: the same pattern matches
  // with StringLike (its first `*` spans colons) and fails with ArnLike (it matches "between colons").
  it('matches segment by segment where StringLike does not (the documented example)', () => {
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    expect(holds({ StringLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(true);
    expect(holds({ ArnLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(false);
  });
});

describe('absent keys (IAM semantics)', () => {
  it('make a positive operator false and a negated one true', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'data' } })).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/team': 'data' } })).toBe(true);
    expect(holds({ StringNotLike: { 'aws:PrincipalTag/team': 'd*' } })).toBe(true);
    expect(holds({ ArnNotLike: { 'aws:SourceArn': 'arn:*' } })).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })).toBe(true);
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } })).toBe(false);
    expect(holds({ DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } })).toBe(false);
    expect(holds({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } })).toBe(false);
  });

  it('make any ...IfExists operator true', () => {
    expect(holds({ StringEqualsIfExists: { 'ec2:InstanceType': 't3.micro' } })).toBe(true);
    expect(holds({ StringLikeIfExists: { 'ec2:InstanceType': 't3.*' } })).toBe(true);
    expect(holds({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })).toBe(true);
    expect(holds({ NumericLessThanIfExists: { 's3:max-keys': '10' } })).toBe(true);
  });

  it('...IfExists still tests a present key', () => {
    expect(holds({ StringLikeIfExists: { 'ec2:InstanceType': 't3.*' } }, { 'ec2:InstanceType': 't3.micro' })).toBe(true);
    expect(holds({ StringLikeIfExists: { 'ec2:InstanceType': 't3.*' } }, { 'ec2:InstanceType': 'm5.large' })).toBe(false);
    expect(holds({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, { 'aws:MultiFactorAuthPresent': 'true' })).toBe(false);
  });
});

describe('Null', () => {
  it('"true" holds when the key is absent, "false" when it is present', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } })).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' })).toBe(false);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } })).toBe(false);
    expect(holds({ Null: { 'aws:TokenIssueTime': false } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' })).toBe(true);
  });
});

describe('set operators on multivalued keys', () => {
  const tags = (values: string[]) => ({ 'aws:TagKeys': values });

  it('ForAnyValue: some request value matches some policy value', () => {
    const c = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } };
    expect(holds(c, tags(['team', 'owner']))).toBe(true);
    expect(holds(c, tags(['owner']))).toBe(false);
    expect(holds(c, tags([]))).toBe(false);
    expect(holds(c)).toBe(false);
  });

  it('ForAllValues: every request value matches some policy value; empty and absent hold', () => {
    const c = { 'ForAllValues:StringLike': { 'aws:TagKeys': ['env', 'team-*'] } };
    expect(holds(c, tags(['env', 'team-a']))).toBe(true);
    expect(holds(c, tags(['env', 'owner']))).toBe(false);
    expect(holds(c, tags([]))).toBe(true);
    expect(holds(c)).toBe(true);
  });

  it('negated operators under set operators', () => {
    const anyNot = { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'team'] } };
    expect(holds(anyNot, tags(['env', 'owner']))).toBe(true);
    expect(holds(anyNot, tags(['env', 'team']))).toBe(false);
    const allNot = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'secret*' } };
    expect(holds(allNot, tags(['env', 'team']))).toBe(true);
    expect(holds(allNot, tags(['env', 'secret-x']))).toBe(false);
  });

  it('a single-valued context given as a list of one behaves like the value', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'data' } }, { 'aws:PrincipalTag/team': ['data'] })).toBe(true);
  });

  it('a single-valued operator on several request values is unknown: no Allow, reported', () => {
    const d = doc(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:TagKeys': 'env' } } }));
    const r = evaluate([d], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: tags(['env', 'team']) });
    expect(r).toMatchObject({ decision: 'implicit-deny', conditionsUnknown: ['aws:TagKeys'] });
  });
});

describe('several operators and keys', () => {
  it('AND every operator and every key under an operator', () => {
    const c = {
      DateGreaterThan: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' },
      DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' },
      StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'data' },
    };
    const ctx = { 'aws:CurrentTime': '2017-09-01T12:00:00Z', 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'data' };
    expect(holds(c, ctx)).toBe(true);
    expect(holds(c, { ...ctx, 'aws:CurrentTime': '2018-01-01T00:00:00Z' })).toBe(false);
    expect(holds(c, { ...ctx, 'aws:PrincipalTag/team': 'ops' })).toBe(false);
  });

  it('compare key names without regard to case', () => {
    expect(holds({ StringEquals: { 'AWS:RequestedRegion': 'eu-west-1' } }, { 'aws:requestedregion': 'eu-west-1' })).toBe(true);
  });
});

describe('unknown keys (not given, not declared absent)', () => {
  const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' };
  const operators: Record<string, Record<string, string>> = {
    StringEquals: { 'aws:PrincipalTag/team': 'data' },
    StringNotEquals: { 'aws:PrincipalTag/team': 'data' },
    StringLikeIfExists: { 'ec2:InstanceType': 't3.*' },
    'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' },
    'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' },
    Null: { 'aws:TokenIssueTime': 'true' },
    NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
    BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' },
  };
  it.each(Object.entries(operators))('%s: an Allow is not applied, a Deny is assumed', (operator, clause) => {
    const key = Object.keys(clause)[0] ?? '';
    const allowed = evaluate([doc(allow('s3:*', '*', { Condition: { [operator]: clause } }))], request);
    expect(allowed).toEqual({ decision: 'implicit-deny', matched: [], conditionsUnknown: [key] });
    const denied = evaluate([doc(allow('s3:*'), deny('s3:*', '*', { Condition: { [operator]: clause } }))], request);
    expect(denied.decision).toBe('explicit-deny');
    expect(denied.conditionsUnknown).toEqual([key]);
  });

  it('a key declared absent follows IAM instead', () => {
    const d = doc(allow('s3:*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'data' } } }));
    expect(evaluate([d], { ...request, absentKeys: ['aws:principaltag/TEAM'] })).toMatchObject({ decision: 'allow', conditionsUnknown: [] });
    expect(evaluate([d], { ...request, absentKeys: ['aws:SourceIp'] })).toMatchObject({ decision: 'implicit-deny', conditionsUnknown: ['aws:PrincipalTag/team'] });
  });
});

describe('policy variables in conditions', () => {
  it('substitute context values into string conditions', () => {
    const c = { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } };
    expect(holds(c, { 'aws:username': 'alice', 's3:prefix': 'home/alice/docs' })).toBe(true);
    expect(holds(c, { 'aws:username': 'alice', 's3:prefix': 'home/bob/docs' })).toBe(false);
    expect(holds(c, { 'aws:username': 'alice', 's3:prefix': '' })).toBe(true);
  });

  it('substitute into ARN and Bool conditions, and principal tags', () => {
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:${aws:PrincipalTag/topic}' } }, { 'aws:PrincipalTag/topic': 't1', 'aws:SourceArn': 'arn:aws:sns:us-east-1:1:t1' })).toBe(
      true,
    );
    expect(holds({ Bool: { 'x:flag': '${x:expected}' } }, { 'x:expected': 'true', 'x:flag': 'true' })).toBe(true);
  });

  it('take a substituted value literally, not as a wildcard', () => {
    expect(holds({ StringLike: { 's3:prefix': '${aws:username}/x' } }, { 'aws:username': '*', 's3:prefix': 'alice/x' })).toBe(false);
    expect(holds({ StringLike: { 's3:prefix': '${aws:username}/x' } }, { 'aws:username': '*', 's3:prefix': '*/x' })).toBe(true);
  });

  it('${*}, ${?} and ${$} are those characters, literally', () => {
    expect(holds({ StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'a*b' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'axxb' })).toBe(false);
    expect(holds({ StringLike: { 's3:prefix': 'a${?}b' } }, { 's3:prefix': 'a?b' })).toBe(true);
    expect(holds({ StringEquals: { 's3:prefix': '${$}{x}' } }, { 's3:prefix': '${x}' })).toBe(true);
  });

  it('use the default of an absent key, and match nothing without one', () => {
    const withDefault = { StringEquals: { 'x:owner': "${aws:userid, 'anonymous'}" } };
    expect(holds(withDefault, { 'x:owner': 'anonymous' })).toBe(true);
    expect(holds(withDefault, { 'x:owner': 'AIDA1', 'aws:userid': 'AIDA1' })).toBe(true);
    expect(holds({ StringEquals: { 'x:owner': "${aws:userid, 'it''s'}" } }, { 'x:owner': "it's" })).toBe(true);
    expect(holds({ StringEquals: { 'x:owner': '${aws:userid}' } }, { 'x:owner': '' })).toBe(false);
    expect(holds({ StringEquals: { 'x:owner': '${aws:userid}' } }, { 'x:owner': '${aws:userid}' })).toBe(false);
  });

  it('are plain text in numeric conditions and in 2008-10-17 documents', () => {
    expect(holds({ NumericEquals: { 'x:n': '${x:m}' } }, { 'x:n': '1', 'x:m': '1' })).toBe(false);
    const old = { Version: '2008-10-17', Statement: allow('s3:*', '*', { Condition: { StringEquals: { 'x:v': '${aws:username}' } } }) };
    const at = (v: string) => decide([old], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'x:v': v, 'aws:username': 'alice' } });
    expect(at('alice')).toBe('implicit-deny');
    expect(at('${aws:username}')).toBe('allow');
  });

  it('an unfilled variable makes the condition unknown and names its key', () => {
    const d = doc(allow('s3:ListBucket', '*', { Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } }));
    const r = evaluate([d], { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'home/alice/x' } });
    expect(r).toMatchObject({ decision: 'implicit-deny', conditionsUnknown: ['aws:username'] });
    // a value the wildcard form cannot match is false whatever the variable: nothing unknown
    const r2 = evaluate([d], { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'tmp/x' } });
    expect(r2).toMatchObject({ decision: 'implicit-deny', conditionsUnknown: [] });
  });
});

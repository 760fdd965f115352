// parsePolicy: every "string or list" form becomes a list, Not- elements are flagged, condition
// values become strings, operators are split into set qualifier, base and IfExists, and a
// malformed document is a bad-input error naming the statement.
import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { parsePolicy } from '../../../src/plan/evaluator/index.js';

describe('parsePolicy', () => {
  it('takes a single Statement object as a list of one', () => {
    const p = parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' } });
    expect(p.statements).toEqual([
      {
        index: 0,
        sid: undefined,
        effect: 'Allow',
        action: { negated: false, patterns: ['s3:GetObject'] },
        resource: { negated: false, patterns: ['arn:aws:s3:::b/*'] },
        conditions: [],
      },
    ]);
    expect(p.version).toBe('2012-10-17');
  });

  it('keeps lists, Sids, NotAction and NotResource', () => {
    const p = parsePolicy({
      Version: '2012-10-17',
      Id: 'p1',
      Statement: [
        { Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] },
        { Sid: 'B', Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:s3:::a/*'] },
      ],
    });
    expect(p.id).toBe('p1');
    expect(p.statements.map((s) => [s.index, s.sid, s.effect])).toEqual([
      [0, 'A', 'Allow'],
      [1, 'B', 'Deny'],
    ]);
    expect(p.statements[0]?.action).toEqual({ negated: false, patterns: ['s3:GetObject', 's3:PutObject'] });
    expect(p.statements[1]?.action).toEqual({ negated: true, patterns: ['iam:*'] });
    expect(p.statements[1]?.resource).toEqual({ negated: true, patterns: ['arn:aws:s3:::a/*'] });
  });

  it('reads a document without Version as 2008-10-17', () => {
    expect(parsePolicy({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }).version).toBe('2008-10-17');
    expect(parsePolicy({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }).version).toBe('2008-10-17');
  });

  it('normalises conditions: one clause per operator and key, values as strings', () => {
    const p = parsePolicy({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: {
          'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*', 'b*'], 'aws:PrincipalTag/team': 'x' },
          NumericLessThan: { 's3:max-keys': 10 },
          Bool: { 'aws:SecureTransport': true },
        },
      },
    });
    expect(p.statements[0]?.conditions).toEqual([
      { operatorText: 'ForAnyValue:StringLikeIfExists', operator: 'StringLike', set: 'ForAnyValue', ifExists: true, key: 'aws:TagKeys', values: ['a*', 'b*'] },
      { operatorText: 'ForAnyValue:StringLikeIfExists', operator: 'StringLike', set: 'ForAnyValue', ifExists: true, key: 'aws:PrincipalTag/team', values: ['x'] },
      { operatorText: 'NumericLessThan', operator: 'NumericLessThan', set: undefined, ifExists: false, key: 's3:max-keys', values: ['10'] },
      { operatorText: 'Bool', operator: 'Bool', set: undefined, ifExists: false, key: 'aws:SecureTransport', values: ['true'] },
    ]);
  });

  it('ignores Principal (identity policies have none to honour)', () => {
    const p = parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*' } });
    expect(p.statements).toHaveLength(1);
  });

  it('accepts JSON text and the URL-encoded JSON the IAM API returns', () => {
    const json = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 's3:*', Resource: '*' } });
    expect(parsePolicy(json).statements[0]?.effect).toBe('Deny');
    expect(parsePolicy(encodeURIComponent(json)).statements[0]?.effect).toBe('Deny');
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 42, /must be a JSON object/],
    ['not JSON', '{nope', /not valid JSON/],
    ['no Statement', { Version: '2012-10-17' }, /no Statement/],
    ['an unknown Version', { Version: '2020-01-01', Statement: [] }, /Version/],
    ['a bad Effect', { Statement: { Effect: 'allow', Action: '*', Resource: '*' } }, /Effect must be/],
    ['Action and NotAction', { Statement: { Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' } }, /both Action and NotAction/],
    ['no Action', { Statement: { Effect: 'Allow', Resource: '*' } }, /neither Action nor NotAction/],
    ['no Resource', { Statement: { Effect: 'Allow', Action: '*' } }, /neither Resource nor NotResource/],
    ['an empty Action list', { Statement: { Effect: 'Allow', Action: [], Resource: '*' } }, /empty list/],
    ['a non-string action', { Statement: { Effect: 'Allow', Action: [1], Resource: '*' } }, /must hold strings/],
    ['an unknown operator', { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringSimilar: { k: 'v' } } } }, /unknown condition operator/],
    ['NullIfExists', { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { NullIfExists: { k: 'true' } } } }, /unknown condition operator/],
    ['an object condition value', { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { k: { a: 1 } } } } }, /not a string/],
  ];
  it.each(bad)('rejects %s with a bad-input error', (_name, input, message) => {
    let error: unknown;
    try {
      parsePolicy(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyshiftError);
    expect((error as KeyshiftError).kind).toBe('bad-input');
    expect((error as KeyshiftError).message).toMatch(message);
  });

  it('names the statement, with its Sid, in errors', () => {
    expect(() => parsePolicy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'Broken', Effect: 'Allow', Resource: '*' }] })).toThrow(
      /statement 1 \(Broken\)/,
    );
  });
});

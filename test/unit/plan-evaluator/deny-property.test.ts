// Properties of the evaluator over random requests and policies:
// - a policy set holding an explicit Deny that matches the (action, resource) pair never allows it,
//   whatever Allows surround it, in whatever policies and order, however the Deny is written
//   (generalised with `*` and `?`, in another case, as NotAction/NotResource excluding something
//   else, with conditions that hold, are unknown, or test a key known to be absent);
// - actions are matched without regard to case;
// - a statement whose conditions all rest on unknown keys never grants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allow, decide, doc, type RawStatement } from './helpers.js';

const SERVICES = ['s3', 'ec2', 'iam', 'sqs', 'dynamodb', 'kms', 'logs', 'sts'] as const;
const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const word = (min: number, max: number, extra = '') => fc.string({ unit: fc.constantFrom(...(letters + '0123456789' + extra)), minLength: min, maxLength: max });

const service = fc.constantFrom(...SERVICES);
const action = fc.tuple(service, word(1, 16)).map(([s, name]) => `${s}:${name}`);

/**
 * Resource ARNs, with empty region/account segments, colons and slashes in the resource part, and
 * wildcard characters and braces taken literally (no `$`: a pattern copied from a resource holding
 * `${` would read it as a policy variable).
 */
const arn = fc
  .record({
    partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'),
    service,
    region: fc.constantFrom('', 'us-east-1', 'eu-west-1'),
    account: fc.constantFrom('', '111122223333', '999999999999'),
    resource: word(1, 30, '/:_.-*?{}'),
  })
  .map((r) => `arn:${r.partition}:${r.service}:${r.region}:${r.account}:${r.resource}`);
const resource = fc.oneof({ weight: 1, arbitrary: fc.constant('*') }, { weight: 6, arbitrary: arn });

/** Replaces part of `text` with `*`, one character with `?`, or leaves it, as a pattern that still matches it. */
function generalise(text: string, choice: number, at: number, length: number): string {
  if (text === '') return choice % 2 === 0 ? '' : '*';
  const start = at % text.length;
  const end = Math.min(text.length, start + length);
  if (choice % 3 === 0) return text;
  if (choice % 3 === 1) return `${text.slice(0, start)}*${text.slice(end)}`;
  return `${text.slice(0, start)}?${text.slice(start + 1)}`;
}

const pick = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 8 }));

/** An action pattern matching `a`: generalised, case-changed, `service:*` or `*`. */
const actionPatternFor = (a: string) =>
  fc.tuple(pick, fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.nat({ max: 9 })).map(([[c, at, len], upper, form]) => {
    if (form === 0) return '*';
    if (form === 1) return `${a.slice(0, a.indexOf(':'))}:*`;
    const cased = [...a].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join('');
    return generalise(cased, c, at, len);
  });

/**
 * A resource pattern matching `r`: each ARN segment generalised within itself, `*`, or the
 * resource part around a policy variable the context does not fill (so the Deny is assumed).
 */
const resourcePatternFor = (r: string) =>
  fc.tuple(fc.array(pick, { minLength: 6, maxLength: 6 }), fc.nat({ max: 9 })).map(([picks, form]) => {
    if (r === '*' || form === 0) return '*';
    const parts = r.split(':');
    if (form === 1) return [...parts.slice(0, 5), '*${aws:userid}*'].join(':');
    const segments = [...parts.slice(0, 5), parts.slice(5).join(':')];
    return segments
      .map((segment, i) => {
        const [c, at, len] = picks[i] ?? [0, 0, 0];
        // `*` in the resource part may cover colons too; in the others it stays inside the segment
        return i === 0 ? segment : generalise(segment, c, at, len);
      })
      .join(':');
  });

/** Conditions under which the Deny still applies (or may apply, so is assumed to). */
const applicableCondition = fc.constantFrom<[Record<string, unknown> | undefined, Record<string, string>, string[]]>(
  [undefined, {}, []],
  [{ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, { 'aws:RequestedRegion': 'eu-west-1' }, []],
  [{ StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, { 'aws:RequestedRegion': 'us-east-1' }, []],
  [{ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, []], // unknown key: assumed
  [{ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, {}, ['aws:MultiFactorAuthPresent']], // absent key: IfExists holds
  [{ Null: { 'aws:TokenIssueTime': 'true' } }, {}, ['aws:TokenIssueTime']],
  [{ StringLike: { 'aws:PrincipalTag/team': '${aws:username}*' } }, { 'aws:PrincipalTag/team': 'alice-x', 'aws:username': 'alice' }, []],
);

/** A Deny statement that applies to (a, r), in one of several forms. */
const denyFor = (a: string, r: string) =>
  fc.tuple(actionPatternFor(a), resourcePatternFor(r), fc.nat({ max: 3 }), applicableCondition, fc.option(fc.string({ maxLength: 6 }), { nil: undefined })).map(
    ([actionPattern, resourcePattern, form, [condition, context, absentKeys], sid]) => {
      const statement: RawStatement = { Effect: 'Deny' };
      // NotAction naming a service that is not the request's, NotResource naming another partition
      if (form === 1) statement['NotAction'] = ['zz-other:*', `${a.slice(0, a.indexOf(':'))}x:${a.slice(a.indexOf(':') + 1)}`];
      else statement['Action'] = form === 3 ? [`zz-other:Thing`, actionPattern] : actionPattern;
      if (form === 2) statement['NotResource'] = ['arn:aws-zz:s3:::elsewhere/*'];
      else statement['Resource'] = resourcePattern;
      if (condition !== undefined) statement['Condition'] = condition;
      if (sid !== undefined) statement['Sid'] = sid;
      return { statement, context, absentKeys };
    },
  );

/** Any Allow statements at all: broad, narrow, or with NotAction/NotResource. */
const anyAllow: fc.Arbitrary<RawStatement> = fc.oneof(
  fc.constant(allow('*')),
  fc.tuple(action, resource).map(([a, r]) => allow(a, r)),
  fc.tuple(service).map(([s]) => allow(`${s}:*`)),
  fc.constant({ Effect: 'Allow', NotAction: 'zz-other:*', Resource: '*' }),
  fc.constant({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws-zz:s3:::x' }),
);

describe('an explicit Deny that matches the request', () => {
  it('is never overridden by any Allow', () => {
    const scenario = fc
      .tuple(action, resource)
      .chain(([a, r]) => fc.tuple(fc.constant(a), fc.constant(r), denyFor(a, r), fc.array(anyAllow, { maxLength: 6 }), fc.nat({ max: 6 }), fc.nat({ max: 2 })));
    fc.assert(
      fc.property(scenario, ([a, r, { statement, context, absentKeys }, allows, denyAt, splitInto]) => {
        const statements = [...allows];
        statements.splice(Math.min(denyAt, statements.length), 0, statement);
        // spread the statements over one to three policies
        const policies = Array.from({ length: splitInto + 1 }, (_, p) => doc(...statements.filter((_s, i) => i % (splitInto + 1) === p)));
        const decision = decide(
          policies.filter((p) => p.Statement.length > 0),
          { action: a, resource: r, context, absentKeys },
        );
        expect(decision).toBe('explicit-deny');
      }),
      { numRuns: 1500 },
    );
  });
});

describe('action case', () => {
  it('never changes the decision', () => {
    const scenario = fc.tuple(action, resource, fc.array(anyAllow, { maxLength: 4 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }));
    fc.assert(
      fc.property(scenario, ([a, r, allows, upper]) => {
        const recased = [...a].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join('');
        const policies = [doc(...allows, allow(a, r), { Effect: 'Deny', Action: `${a}Suffix`, Resource: '*' })];
        expect(decide(policies, { action: recased, resource: r })).toBe(decide(policies, { action: a, resource: r }));
        expect(decide(policies, { action: recased, resource: r })).toBe('allow');
      }),
      { numRuns: 500 },
    );
  });
});

describe('unknown conditions', () => {
  it('never turn into allow', () => {
    const unknownCondition = fc.constantFrom<Record<string, unknown>>(
      { StringEquals: { 'aws:PrincipalTag/team': 'data' } },
      { StringNotEquals: { 'aws:PrincipalTag/team': 'data' } },
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' } },
      { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } },
      { Null: { 'aws:TokenIssueTime': 'true' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
    );
    fc.assert(
      fc.property(action, resource, fc.array(unknownCondition, { minLength: 1, maxLength: 3 }), (a, r, conditions) => {
        const statements = conditions.map((c) => allow(a, r, { Condition: c }));
        const result = decide([doc(...statements)], { action: a, resource: r });
        expect(result).toBe('implicit-deny');
      }),
      { numRuns: 300 },
    );
  });
});

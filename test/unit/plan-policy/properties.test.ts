// Properties over generated workloads: the output does not depend on the order of any input
// list, and nothing planned is something the key's current policies deny or do not allow —
// checked with the evaluator on the planned pair and on every concrete resource it covers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateIdentityPolicies, parsePolicy } from '../../../src/plan/evaluator/index.js';
import { buildWorkloadPolicies, type PolicyInput } from '../../../src/plan/policy/index.js';
import { deniedUse, input, plannedPairs, use } from './helpers.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:jobs';
const ROLE = 'arn:aws:iam::123456789012:role/deployer';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd';

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:ListAllMyBuckets', 'dynamodb:GetItem', 'dynamodb:Query', 'sqs:SendMessage', 'sts:GetCallerIdentity', 'sts:AssumeRole', 'kms:Decrypt'];
const ACTION_PATTERNS = [...ACTIONS, 's3:*', 's3:Get*', 'dynamodb:*', '*'];
const EVIDENCE_RESOURCES = ['*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/reports/*', 'arn:aws:s3:::c/*', TABLE, QUEUE, ROLE, KEY];
const POLICY_RESOURCES = [...EVIDENCE_RESOURCES, 'arn:aws:s3:::b/secret/*', 'arn:aws:s3:::*', 'arn:aws:s3:::*secret*', 'arn:aws:s3:::b/?eports/*', `${TABLE}/index/*`];
/** Concrete resources: what a planned pattern stands for */
const SAMPLES = [
  'arn:aws:s3:::b',
  'arn:aws:s3:::c',
  'arn:aws:s3:::b/x.txt',
  'arn:aws:s3:::b/reports/r.csv',
  'arn:aws:s3:::b/reports/secret.csv',
  'arn:aws:s3:::b/secret/k',
  'arn:aws:s3:::c/y',
  TABLE,
  `${TABLE}/index/by-date`,
  QUEUE,
  ROLE,
  KEY,
];
/** Actions IAM always asks about with Resource "*" (no resource types in the catalog) */
const UNSCOPABLE = new Set(['s3:ListAllMyBuckets', 'sts:GetCallerIdentity']);

const statement = fc.record({
  effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  notAction: fc.boolean(),
  actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 }),
  notResource: fc.boolean(),
  resources: fc.uniqueArray(fc.constantFrom(...POLICY_RESOURCES), { minLength: 1, maxLength: 3 }),
  conditional: fc.boolean(),
});

const policies = fc.array(fc.array(statement, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }).map((list) =>
  list.map((statements, i) => ({
    name: `policy-${i}`,
    document: {
      Version: '2012-10-17',
      Statement: statements.map((s) => ({
        Effect: s.effect,
        [s.notAction && s.effect === 'Deny' ? 'NotAction' : 'Action']: s.actions,
        [s.notResource ? 'NotResource' : 'Resource']: s.resources,
        ...(s.conditional ? { Condition: { Bool: { 'aws:SecureTransport': 'true' } } } : {}),
      })),
    },
  })),
);

const pair = fc.tuple(fc.constantFrom(...ACTIONS), fc.constantFrom(...EVIDENCE_RESOURCES));
const recording = fc.constantFrom<boolean | null>(true, false, null);

const workload: fc.Arbitrary<PolicyInput> = fc
  .record({
    principalPolicies: policies,
    observed: fc.array(pair, { maxLength: 8 }),
    denied: fc.array(pair, { maxLength: 3 }),
    includeDenied: fc.boolean(),
    chained: fc.boolean(),
    s3: recording,
    dynamodb: recording,
    knownResources: fc.uniqueArray(fc.constantFrom('arn:aws:s3:::b', 'arn:aws:s3:::c', TABLE, QUEUE), { maxLength: 4 }),
  })
  .map((g) =>
    input({
      principalPolicies: g.principalPolicies,
      observed: g.observed.map(([a, r]) => use(a, r)),
      denied: g.denied.map(([a, r]) => deniedUse(a, r)),
      includeDenied: g.includeDenied,
      sessions: g.chained ? [{ accessKeyId: 'ASIAEXAMPLEEXAMPLE01', via: 'AssumeRole', roleArn: ROLE, actions: [], denied: [] }] : [],
      dataEventsRecorded: { s3: g.s3, dynamodb: g.dynamodb },
      knownResources: g.knownResources,
    }),
  );

/** The input with every list (and the recording map's keys) in another order. */
function reordered(base: PolicyInput, order: (n: number) => number[]): PolicyInput {
  const permute = <T>(list: readonly T[]) => order(list.length).map((i) => list[i] as T);
  return {
    ...base,
    observed: permute(base.observed),
    denied: permute(base.denied),
    sessions: permute(base.sessions),
    principalPolicies: permute(base.principalPolicies),
    knownResources: permute(base.knownResources),
    dataEventsRecorded: Object.fromEntries(permute(Object.entries(base.dataEventsRecorded))),
  };
}

/** Independent of the builder: `*` is any run of characters, `?` any one (no pattern here wildcards an ARN's first five segments). */
function coversSample(pattern: string, sample: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(sample);
}

describe('properties', () => {
  it('gives the same output, byte for byte, whatever the order of its inputs', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.infiniteStream(fc.nat()), async (base, randoms) => {
        const order = (n: number) =>
          Array.from({ length: n }, (_, i) => i)
            .map((i) => [randoms.next().value as number, i] as const)
            .sort((a, b) => a[0] - b[0] || a[1] - b[1])
            .map(([, i]) => i);
        const a = await buildWorkloadPolicies(base);
        const b = await buildWorkloadPolicies(reordered(base, order));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 150 },
    );
  });

  it('plans nothing the key’s current policies deny or do not allow', async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (w) => {
        const parsed = w.principalPolicies.map((p) => parsePolicy(p.document));
        const decide = (action: string, resource: string) => evaluateIdentityPolicies(parsed, { action, resource }).decision;
        for (const { action, resource } of plannedPairs(await buildWorkloadPolicies(w))) {
          expect([action, resource, decide(action, resource)]).toEqual([action, resource, 'allow']);
          if (UNSCOPABLE.has(action)) continue;
          for (const sample of SAMPLES.filter((s) => coversSample(resource, s))) {
            expect([action, sample, decide(action, sample)]).toEqual([action, sample, 'allow']);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

// Coverage: what the evidence can show (from the trails' selectors, or inferred from the
// events), and the evidence gaps that keep the planner from deactivating a key.
import { describe, expect, it } from 'vitest';
import type { AccessKey, ServiceLastAccessed } from '../../../src/model/inventory.js';
import type { Coverage, EvidenceGap, KeyUsage } from '../../../src/model/usage.js';
import { assessCoverage } from '../../../src/usage/coverage/assess-coverage.js';
import type { EvidenceStats, TrailSelectors } from '../../../src/usage/evidence-stats.js';
import { accessKey, inventoryFixture } from '../../helpers/inventory-fixture.js';
import { actionUse, keyUsage } from '../usage-attribution/key-usage-fixture.js';

const SINCE = '2025-05-01T00:00:00.000Z';
const FIRST = '2025-05-02T00:00:00.000Z';
const LAST = '2025-05-20T00:00:00.000Z';
const WINDOW = { since: new Date(SINCE), until: null };

function stats(overrides: Partial<EvidenceStats> = {}): EvidenceStats {
  return { events: 100, firstEvent: FIRST, lastEvent: LAST, regions: ['eu-west-1'], services: ['ec2', 's3'], managementEvents: 100, dataEvents: 0, readOnlyEvents: 60, writeEvents: 40, ...overrides };
}

function trail(name: string, facts: Partial<TrailSelectors> = {}): TrailSelectors {
  return { trailArn: `arn:aws:cloudtrail:eu-west-1:123456789012:trail/${name}`, multiRegion: true, homeRegion: 'eu-west-1', managementEvents: 'all', dataEventTypes: [], ...facts };
}

function lastUsed(date: string | null, serviceName: string | null = 'ec2', region: string | null = 'eu-west-1'): AccessKey['lastUsed'] {
  return { date, serviceName, region };
}

function sla(userName: string, services: Record<string, string | null>, status: ServiceLastAccessed['status'] = 'COMPLETED'): ServiceLastAccessed {
  return { userName, status, services: Object.entries(services).map(([serviceNamespace, lastAuthenticated]) => ({ serviceNamespace, lastAuthenticated })) };
}

interface Scenario {
  keys?: KeyUsage[];
  accessKeys?: AccessKey[];
  serviceLastAccessed?: ServiceLastAccessed[];
  stats?: EvidenceStats;
  trails?: TrailSelectors[];
  regions?: string[];
  window?: { since: Date | null; until: Date | null };
  noInventory?: boolean;
}

function assess(s: Scenario): Coverage {
  const inventory = s.noInventory ? undefined : inventoryFixture({ accessKeys: s.accessKeys ?? [], serviceLastAccessed: s.serviceLastAccessed ?? [], regions: s.regions ?? ['eu-west-1'] });
  return assessCoverage({ keys: s.keys ?? [], stats: s.stats ?? stats(), inventory, trails: s.trails, window: s.window ?? WINDOW });
}

const gapsOf = (s: Scenario): EvidenceGap[] => assess(s).gaps;
const brief = (gaps: EvidenceGap[]) => gaps.map((g) => `${g.accessKeyId} ${g.service} ${g.reason}`);

/** alice's key, seen in the evidence calling EC2 in eu-west-1, last used as the evidence ends */
const ALICE = 'AKIAALICE00000000001';
const aliceEvidence = (actions = [actionUse('ec2:DescribeInstances')], facts: Parameters<typeof keyUsage>[1] = {}) => keyUsage(ALICE, { userName: 'alice', actions, ...facts });
const aliceKey = (used: AccessKey['lastUsed'] = lastUsed(LAST)) => accessKey(ALICE, 'alice', used);
const aliceSla = (services: Record<string, string | null> = { ec2: LAST }) => sla('alice', services);

describe('what the evidence records', () => {
  it('infers coverage from the events when no trail selectors are given, and says so', () => {
    expect(assess({ stats: stats() })).toEqual({
      basis: 'inferred',
      managementEvents: 'all',
      dataEvents: 'not-recorded',
      regions: ['eu-west-1'],
      span: { from: FIRST, to: LAST },
      notes: [
        "coverage inferred from the events themselves: the trails' event selectors were not read, so a trail may record more or less than the data shows",
        'no data events seen: as most trails do, this one appears not to record them, so object-level S3 calls, Lambda invokes, DynamoDB item reads and writes, SQS messages and SNS publishes are invisible',
        'regions are those with events in the evidence',
      ],
      gaps: [],
    });
  });

  it('infers read-only or write-only management events, partial data events, and unknown when there are no events', () => {
    expect(assess({ stats: stats({ writeEvents: 0 }) }).managementEvents).toBe('read-only');
    expect(assess({ stats: stats({ readOnlyEvents: 0 }) }).managementEvents).toBe('write-only');
    expect(assess({ stats: stats({ managementEvents: 0, dataEvents: 100 }) })).toMatchObject({ managementEvents: 'none', dataEvents: 'partial' });
    const empty = assess({ stats: stats({ events: 0, firstEvent: null, lastEvent: null, regions: [], managementEvents: 0, readOnlyEvents: 0, writeEvents: 0 }) });
    expect(empty).toMatchObject({ basis: 'inferred', managementEvents: 'unknown', dataEvents: 'unknown', regions: [], span: { from: null, to: null } });
    expect(empty.notes).toContain('the evidence holds no events: it can show no key as used or unused');
  });

  it('reads the trails: management events and data event types add up, a multi-region trail covers every known region', () => {
    const coverage = assess({
      regions: ['eu-west-1', 'ap-south-1'],
      trails: [trail('writes', { multiRegion: false, homeRegion: 'us-east-1', managementEvents: 'write-only', dataEventTypes: ['AWS::S3::Object'] }), trail('reads', { managementEvents: 'read-only' })],
    });
    expect(coverage).toMatchObject({ basis: 'trail-selectors', managementEvents: 'all', dataEvents: 'partial', regions: ['ap-south-1', 'eu-west-1', 'us-east-1'] });
    expect(coverage.notes.slice(0, 3)).toEqual([
      "coverage read from the trails' event selectors",
      'trail arn:aws:cloudtrail:eu-west-1:123456789012:trail/reads: management events read-only, no data events, in every region',
      'trail arn:aws:cloudtrail:eu-west-1:123456789012:trail/writes: management events write-only, data events for AWS::S3::Object, only in its home region us-east-1',
    ]);
  });

  it('says data events are recorded only when S3 objects, Lambda functions and DynamoDB tables are all selected', () => {
    const all = ['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table'];
    expect(assess({ trails: [trail('t', { dataEventTypes: all })] }).dataEvents).toBe('recorded');
    expect(assess({ trails: [trail('t', { dataEventTypes: all.slice(1) })] }).dataEvents).toBe('partial');
    expect(assess({ trails: [trail('t')] }).dataEvents).toBe('not-recorded');
  });

  it('names the inventory regions no single-region trail covers', () => {
    const coverage = assess({ regions: ['eu-west-1', 'us-east-1'], trails: [trail('home', { multiRegion: false })] });
    expect(coverage.regions).toEqual(['eu-west-1']);
    expect(coverage.notes).toContain('inventory region(s) us-east-1 are not covered by any trail: calls there are invisible');
    expect(assess({ regions: ['eu-west-1', 'us-east-1'] }).notes).toContain('no events from inventory region(s) us-east-1: the trail may not record them, or nothing was called there');
  });

  it('falls back to inference when the account has no trail, and notes a window that starts long before the first event', () => {
    const coverage = assess({ trails: [], window: { since: new Date('2025-04-01T00:00:00.000Z'), until: null } });
    expect(coverage.basis).toBe('inferred');
    expect(coverage.notes).toContain('no trail was found in the account: only what the events themselves show is known');
    expect(coverage.notes).toContain('the window starts at 2025-04-01T00:00:00.000Z but the first event is at 2025-05-02T00:00:00.000Z: the evidence may begin later than the window');
  });
});

describe('evidence gaps', () => {
  it('reports a service in service-last-accessed, inside the span, that no key of the user shows', () => {
    const gaps = gapsOf({
      keys: [aliceEvidence()],
      accessKeys: [aliceKey()],
      serviceLastAccessed: [aliceSla({ ec2: LAST, iam: '2025-05-10T00:00:00.000Z', kms: '2025-04-01T00:00:00.000Z', sqs: null })],
    });
    expect(gaps).toEqual([
      {
        accessKeyId: ALICE,
        userName: 'alice',
        service: 'iam',
        reason: 'service-last-accessed-not-in-evidence',
        detail: 'IAM service-last-accessed says user alice used iam at 2025-05-10T00:00:00.000Z, inside the evidence span from 2025-05-01T00:00:00.000Z, but the evidence holds no iam call by any key of alice (AKIAALICE00000000001 is one)',
      },
    ]);
  });

  it("counts the user's other keys and its GetSessionToken sessions against service-last-accessed", () => {
    const other = keyUsage('AKIAALICE00000000002', { userName: 'alice', actions: [actionUse('iam:ListUsers')] });
    const session = { accessKeyId: 'ASIAALICE0000000000X', via: 'GetSessionToken' as const, roleArn: null, actions: [actionUse('kms:Decrypt')], denied: [] };
    const gaps = gapsOf({
      keys: [aliceEvidence([actionUse('ec2:DescribeInstances')], { sessions: [session] }), other],
      // the last use was GetSessionToken, which needs no permission and so shows only as the session
      accessKeys: [aliceKey(lastUsed(LAST, 'sts')), accessKey('AKIAALICE00000000002', 'alice', lastUsed(LAST, 'iam'))],
      serviceLastAccessed: [aliceSla({ ec2: LAST, iam: '2025-05-10T00:00:00.000Z', kms: '2025-05-11T00:00:00.000Z' })],
    });
    expect(gaps).toEqual([]);
  });

  it('reports a last use after the evidence ends, after the key\'s last call, or for a service the evidence does not show', () => {
    const after = gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey(lastUsed('2025-05-30T00:00:00.000Z'))], serviceLastAccessed: [aliceSla()] });
    expect(after).toEqual([
      {
        accessKeyId: ALICE,
        userName: 'alice',
        service: 'ec2',
        reason: 'last-used-after-evidence',
        detail: 'IAM says AKIAALICE00000000001 (user alice) was last used at 2025-05-30T00:00:00.000Z: after the evidence ends at 2025-05-20T00:00:00.000Z',
      },
    ]);
    const quietKey = aliceEvidence([actionUse('ec2:DescribeInstances')], { lastSeen: '2025-05-10T00:00:00.000Z' });
    expect(gapsOf({ keys: [quietKey], accessKeys: [aliceKey(lastUsed('2025-05-15T00:00:00.000Z', 'iam'))], serviceLastAccessed: [aliceSla({ iam: null })] })).toEqual([
      expect.objectContaining({
        service: 'iam',
        reason: 'last-used-after-evidence',
        detail:
          'IAM says AKIAALICE00000000001 (user alice) was last used at 2025-05-15T00:00:00.000Z: after its last call in the evidence at 2025-05-10T00:00:00.000Z; for iam, which none of its calls in the evidence use',
      }),
    ]);
  });

  it('allows a minute of rounding between IAM and CloudTrail', () => {
    expect(gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey(lastUsed('2025-05-20T00:00:59.000Z'))], serviceLastAccessed: [aliceSla()] })).toEqual([]);
    expect(brief(gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey(lastUsed('2025-05-20T00:01:01.000Z'))], serviceLastAccessed: [aliceSla()] }))).toEqual([`${ALICE} ec2 last-used-after-evidence`]);
  });

  it('reports a last use in a region the evidence does not cover', () => {
    const gaps = gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey(lastUsed('2025-05-19T00:00:00.000Z', 'ec2', 'ap-south-1'))], serviceLastAccessed: [aliceSla()] });
    expect(gaps).toEqual([
      {
        accessKeyId: ALICE,
        userName: 'alice',
        service: 'ec2',
        reason: 'region-not-covered',
        detail: 'IAM says AKIAALICE00000000001 (user alice) was last used for ec2 in ap-south-1 at 2025-05-19T00:00:00.000Z, a region the evidence does not cover (it covers: eu-west-1)',
      },
    ]);
    // covered by a multi-region trail, but the key's own calls are all elsewhere
    const covered = gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey(lastUsed('2025-05-19T00:00:00.000Z', 'ec2', 'ap-south-1'))], serviceLastAccessed: [aliceSla()], regions: ['eu-west-1', 'ap-south-1'], trails: [trail('org')] });
    expect(covered).toEqual([expect.objectContaining({ reason: 'last-used-after-evidence', detail: expect.stringContaining('in ap-south-1, where none of its calls in the evidence are') })]);
  });

  it('reports a data-event service the key uses while its data events are not recorded', () => {
    const s3Key = aliceEvidence([actionUse('s3:ListBucket')]);
    const scenario = { keys: [s3Key], accessKeys: [aliceKey(lastUsed(LAST, 's3'))], serviceLastAccessed: [aliceSla({ s3: LAST })] };
    expect(gapsOf(scenario)).toEqual([
      {
        accessKeyId: ALICE,
        userName: 'alice',
        service: 's3',
        reason: 'data-events-not-recorded',
        detail: 'AKIAALICE00000000001 (user alice) uses s3 (in the evidence), whose object-level calls (GetObject, PutObject, DeleteObject…) are data events, and no data events are recorded: what it does there is unknown',
      },
    ]);
    // a trail that selects S3 objects closes it; one that selects only Lambda does not
    expect(gapsOf({ ...scenario, trails: [trail('t', { dataEventTypes: ['AWS::S3::Object'] })] })).toEqual([]);
    expect(gapsOf({ ...scenario, trails: [trail('t', { dataEventTypes: ['AWS::Lambda::Function'] })] })).toEqual([
      expect.objectContaining({ service: 's3', reason: 'data-events-not-recorded', detail: expect.stringContaining('no trail selects s3 data events') }),
    ]);
  });

  it('with inferred partial data events, closes the gap only for a key whose own data events are in the evidence', () => {
    const partial = stats({ dataEvents: 10 });
    const seen = aliceEvidence([actionUse('s3:ListBucket'), actionUse('s3:GetObject')]);
    expect(gapsOf({ stats: partial, keys: [seen], accessKeys: [aliceKey(lastUsed(LAST, 's3'))], serviceLastAccessed: [aliceSla({ s3: LAST })] })).toEqual([]);
    const unseen = aliceEvidence([actionUse('s3:ListBucket'), actionUse('s3:GetBucketObjectLockConfiguration')]);
    expect(gapsOf({ stats: partial, keys: [unseen], accessKeys: [aliceKey(lastUsed(LAST, 's3'))], serviceLastAccessed: [aliceSla({ s3: LAST })] })).toEqual([
      expect.objectContaining({ service: 's3', reason: 'data-events-not-recorded', detail: expect.stringContaining('the evidence holds none of its s3 data events') }),
    ]);
  });

  it('reports service-last-accessed data that is missing or not COMPLETED', () => {
    expect(gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey()], serviceLastAccessed: [sla('alice', {}, 'FAILED')] })).toEqual([
      {
        accessKeyId: ALICE,
        userName: 'alice',
        service: '*',
        reason: 'service-last-accessed-unavailable',
        detail: 'service-last-accessed data for user alice is FAILED: services AKIAALICE00000000001 used outside the evidence cannot be checked',
      },
    ]);
    expect(gapsOf({ keys: [aliceEvidence()], accessKeys: [aliceKey()], serviceLastAccessed: [] })).toEqual([
      expect.objectContaining({ service: '*', reason: 'service-last-accessed-unavailable', detail: expect.stringContaining('the inventory has no service-last-accessed data for user alice') }),
    ]);
  });

  describe('a key with no evidence at all', () => {
    const BLIND = 'AKIABLIND00000000001';

    it('is not unused when IAM saw it used inside the window: the evidence is blind to it', () => {
      const gaps = gapsOf({ accessKeys: [accessKey(BLIND, 'bob', lastUsed('2025-05-12T00:00:00.000Z'))], serviceLastAccessed: [sla('bob', { ec2: '2025-05-12T00:00:00.000Z' })] });
      expect(gaps).toEqual([
        {
          accessKeyId: BLIND,
          userName: 'bob',
          service: 'ec2',
          reason: 'service-last-accessed-not-in-evidence',
          detail: 'IAM service-last-accessed says user bob used ec2 at 2025-05-12T00:00:00.000Z, inside the evidence span from 2025-05-01T00:00:00.000Z, but the evidence holds no ec2 call by any key of bob (AKIABLIND00000000001 is one)',
        },
        {
          accessKeyId: BLIND,
          userName: 'bob',
          service: 'ec2',
          reason: 'last-used-after-evidence',
          detail: 'AKIABLIND00000000001 (user bob) has no call in the evidence, yet IAM says it was last used for ec2 in eu-west-1 at 2025-05-12T00:00:00.000Z, inside the evidence span from 2025-05-01T00:00:00.000Z: the evidence is blind to it, so it is not unused',
        },
      ]);
    });

    it('has no gap when its last use is before the window, or it was never used', () => {
      expect(gapsOf({ accessKeys: [accessKey(BLIND, 'bob', lastUsed('2025-04-01T00:00:00.000Z'))], serviceLastAccessed: [sla('bob', { ec2: '2025-04-01T00:00:00.000Z' })] })).toEqual([]);
      expect(gapsOf({ accessKeys: [accessKey(BLIND, 'bob', lastUsed(null, null, null))], serviceLastAccessed: [sla('bob', {})] })).toEqual([]);
    });

    it('has a gap when IAM could not say when it was last used', () => {
      expect(gapsOf({ accessKeys: [accessKey(BLIND, 'bob', null)], serviceLastAccessed: [sla('bob', {})] })).toEqual([
        {
          accessKeyId: BLIND,
          userName: 'bob',
          service: '*',
          reason: 'last-used-after-evidence',
          detail: 'AKIABLIND00000000001 (user bob) has no call in the evidence and IAM could not say when it was last used: the evidence cannot show it unused',
        },
      ]);
    });

    it('is blind to everything when the evidence holds no events and no window is given', () => {
      const empty = stats({ events: 0, firstEvent: null, lastEvent: null, regions: [], managementEvents: 0, readOnlyEvents: 0, writeEvents: 0 });
      const gaps = gapsOf({ stats: empty, window: { since: null, until: null }, accessKeys: [accessKey(BLIND, 'bob', lastUsed('2024-01-01T00:00:00.000Z'))], serviceLastAccessed: [sla('bob', {})] });
      expect(brief(gaps)).toEqual([`${BLIND} ec2 last-used-after-evidence`, `${BLIND} ec2 region-not-covered`]);
      expect(gaps[0]?.detail).toContain('while the evidence holds no events');
    });
  });

  it('ignores keys that are not Active', () => {
    expect(gapsOf({ accessKeys: [accessKey('AKIAOFF0000000000001', 'carol', lastUsed('2025-05-12T00:00:00.000Z'), 'Inactive')] })).toEqual([]);
  });

  it('without an inventory, reports only what the evidence itself cannot see', () => {
    const gaps = gapsOf({ noInventory: true, keys: [keyUsage('AKIAX', { userName: null, actions: [actionUse('dynamodb:DescribeTable')] }), keyUsage('AKIAY', { actions: [actionUse('ec2:DescribeInstances')] })] });
    expect(gaps).toEqual([
      {
        accessKeyId: 'AKIAX',
        userName: null,
        service: 'dynamodb',
        reason: 'data-events-not-recorded',
        detail: 'AKIAX uses dynamodb (in the evidence), whose item reads and writes (GetItem, PutItem, Query, Scan…) are data events, and no data events are recorded: what it does there is unknown',
      },
    ]);
  });

  it('lists gaps in a deterministic order, whatever the order of the input', () => {
    const accessKeys = [
      accessKey('AKIAB000000000000002', 'bob', lastUsed('2025-05-30T00:00:00.000Z', 'lambda')),
      accessKey(ALICE, 'alice', lastUsed('2025-05-19T00:00:00.000Z', 's3', 'ap-south-1')),
      accessKey('AKIAD000000000000004', 'dave', null),
    ];
    const keys = [keyUsage('AKIAB000000000000002', { userName: 'bob', actions: [actionUse('lambda:ListFunctions')] }), aliceEvidence([actionUse('s3:ListBucket')])];
    const serviceLastAccessed = [sla('alice', { s3: LAST, sqs: '2025-05-05T00:00:00.000Z' }), sla('bob', {}, 'IN_PROGRESS')];
    const forward = gapsOf({ keys, accessKeys, serviceLastAccessed });
    const backward = gapsOf({ keys: [...keys].reverse(), accessKeys: [...accessKeys].reverse(), serviceLastAccessed: [...serviceLastAccessed].reverse() });
    expect(backward).toEqual(forward);
    expect(brief(forward)).toEqual([
      `${ALICE} sqs service-last-accessed-not-in-evidence`,
      `${ALICE} s3 data-events-not-recorded`,
      `${ALICE} sqs data-events-not-recorded`,
      `${ALICE} s3 region-not-covered`,
      'AKIAB000000000000002 lambda last-used-after-evidence',
      'AKIAB000000000000002 lambda data-events-not-recorded',
      'AKIAB000000000000002 * service-last-accessed-unavailable',
      'AKIAD000000000000004 * last-used-after-evidence',
      'AKIAD000000000000004 * service-last-accessed-unavailable',
    ]);
  });
});

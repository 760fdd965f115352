// The LookupEvents evidence. moto has no CloudTrail LookupEvents, so these tests answer the real
// SDK client (the one AwsContext hands out) with recorded responses, injected by a middleware
// before anything is sent, shaped like the API's answer (each record as a JSON string in
// CloudTrailEvent, NextToken between pages). The rate limit runs on a clock that moves time
// instead of sleeping, so the test shows the spacing without waiting for it.
import { afterEach, describe, expect, it } from 'vitest';
import { lookupEventsRoleEvidence, roleInstancesOf } from '../../src/apply/evidence/lookup-events-role-evidence.js';
import { AwsContext } from '../../src/aws/aws-context.js';
import type { PlanDocument } from '../../src/model/plan.js';
import type { CloudTrailEvent } from '../../src/usage/cloudtrail-event.js';
import { answerLookupEvents } from '../helpers/recorded-lookup-events.js';
import type { Clock } from '../../src/usage/sources/clock.js';
import { ACCOUNT, assumedRole, ctEvent, iamUser } from '../helpers/cloudtrail.js';

const NOW = Date.parse('2025-06-10T13:00:00Z');
const SINCE = new Date('2025-06-10T12:00:00Z');
const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
const ROLE = 'keyshift-app';
const KEY = 'AKIALOOKUPEVIDENCE01';
const signal = new AbortController().signal;

interface Sent {
  region: string;
  at: number;
  input: { StartTime?: Date; EndTime?: Date; NextToken?: string; LookupAttributes?: { AttributeKey: string; AttributeValue: string }[] };
}

/** Time that moves by each sleep: requests in one region show the limiter's spacing. */
class SteppingClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

function apiEvent(record: CloudTrailEvent) {
  return { EventId: `evt-${record.eventTime}`, EventName: record.eventName, EventTime: new Date(record.eventTime), Username: record.userIdentity.userName, CloudTrailEvent: JSON.stringify(record) };
}

type Pages = (input: Sent['input'], region: string) => { Events: ReturnType<typeof apiEvent>[]; NextToken?: string };

let aws: AwsContext | undefined;
afterEach(() => aws?.destroy());

function answered(regions: string[], pages: Pages, sent: Sent[], clock: Clock): AwsContext {
  aws = new AwsContext({ region: 'us-east-1' }, ENV);
  for (const region of regions) answerLookupEvents(aws, region, pages, sent, clock);
  return aws;
}

const session = (instanceId: string, role = ROLE) => assumedRole('ASIALOOKUPSESSION001', role, instanceId);

describe('LookupEvents role evidence (recorded responses: moto has no LookupEvents)', () => {
  it("finds a role's calls by its instances' session names, in each instance's region, and keeps only that role's", async () => {
    const clock = new SteppingClock(NOW);
    const sent: Sent[] = [];
    const pages: Pages = (input, region) => {
      const user = input.LookupAttributes?.[0]?.AttributeValue;
      if (region === 'eu-west-1' && user === 'i-aaaa1111' && input.NextToken === undefined) {
        return { Events: [apiEvent(ctEvent({ identity: session('i-aaaa1111'), eventSource: 'sqs.amazonaws.com', eventName: 'CreateQueue', time: '2025-06-10T12:30:00Z', region, requestParameters: { queueName: 'jobs' } }))], NextToken: 'p2' };
      }
      if (region === 'eu-west-1' && user === 'i-aaaa1111') {
        // the same session name under the instance's previous role: not this role's call
        return { Events: [apiEvent(ctEvent({ identity: session('i-aaaa1111', 'old-role'), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', time: '2025-06-10T12:31:00Z', region }))] };
      }
      if (region === 'us-west-2' && user === 'i-bbbb2222') {
        return { Events: [apiEvent(ctEvent({ identity: session('i-bbbb2222'), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', time: '2025-06-10T12:40:00Z', region, errorCode: 'UnauthorizedOperation' }))] };
      }
      return { Events: [] };
    };
    const evidence = lookupEventsRoleEvidence({
      aws: answered(['eu-west-1', 'us-west-2', 'us-east-1'], pages, sent, clock),
      regions: ['eu-west-1'],
      roleInstances: new Map([[ROLE, [{ instanceId: 'i-aaaa1111', region: 'eu-west-1' }, { instanceId: 'i-bbbb2222', region: 'us-west-2' }]]]),
      account: ACCOUNT,
      clock,
    });
    expect(evidence.recordsDataEvents).toBe(false);
    expect(evidence.describe).toMatch(/management events only/);

    const calls = await evidence.roleCalls(ROLE, SINCE, signal);
    expect(calls.map((c) => [c.action, c.instanceId, c.errorCode])).toEqual([
      ['sqs:CreateQueue', 'i-aaaa1111', null],
      ['ec2:DescribeInstances', 'i-bbbb2222', 'UnauthorizedOperation'],
    ]);
    expect(sent.map((s) => [s.region, s.input.LookupAttributes, s.input.NextToken ?? null])).toEqual([
      ['eu-west-1', [{ AttributeKey: 'Username', AttributeValue: 'i-aaaa1111' }], null],
      ['us-west-2', [{ AttributeKey: 'Username', AttributeValue: 'i-bbbb2222' }], null],
      ['eu-west-1', [{ AttributeKey: 'Username', AttributeValue: 'i-aaaa1111' }], 'p2'],
    ]);
    for (const s of sent) expect([s.input.StartTime, s.input.EndTime]).toEqual([SINCE, new Date(NOW)]);
    // two requests a second per region: the second page waited its turn
    const euWest = sent.filter((s) => s.region === 'eu-west-1');
    expect(euWest[1]!.at - euWest[0]!.at).toBeGreaterThanOrEqual(500);
    // a role with no known instances cannot be looked up
    expect(await evidence.roleCalls('unknown-role', SINCE, signal)).toEqual([]);
  });

  it("finds a key's calls by AccessKeyId in the given regions and us-east-1", async () => {
    const clock = new SteppingClock(NOW);
    const sent: Sent[] = [];
    const pages: Pages = (_input, region) =>
      region === 'us-east-1'
        ? { Events: [apiEvent(ctEvent({ identity: iamUser(KEY), eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', time: '2025-06-10T12:10:00Z', ip: '198.51.100.9', errorCode: 'InvalidClientTokenId' }))] }
        : { Events: [] };
    const evidence = lookupEventsRoleEvidence({ aws: answered(['eu-west-1', 'us-east-1'], pages, sent, clock), regions: ['eu-west-1'], roleInstances: new Map(), account: ACCOUNT, clock });
    const calls = await evidence.keyCalls(KEY, SINCE, signal);
    expect(calls.map((c) => [c.action, c.sourceIp, c.errorCode])).toEqual([['iam:ListUsers', '198.51.100.9', 'InvalidClientTokenId']]);
    expect(sent.map((s) => [s.region, s.input.LookupAttributes]).sort()).toEqual([
      ['eu-west-1', [{ AttributeKey: 'AccessKeyId', AttributeValue: KEY }]],
      ['us-east-1', [{ AttributeKey: 'AccessKeyId', AttributeValue: KEY }]],
    ]);
    await expect(evidence.keyCalls('not a key', SINCE, signal)).rejects.toThrow(/not an access key ID/);
  });

  it("takes each workload role's instances from the plan", () => {
    const plan = {
      workloads: [
        { role: { name: 'a' }, instances: [{ instanceId: 'i-1', region: 'eu-west-1' }] },
        { role: { name: 'a' }, instances: [{ instanceId: 'i-1', region: 'eu-west-1' }, { instanceId: 'i-2', region: 'eu-west-1' }] },
        { role: { name: 'b' }, instances: [] },
      ],
    } as unknown as PlanDocument;
    expect(roleInstancesOf(plan)).toEqual(
      new Map([
        ['a', [{ instanceId: 'i-1', region: 'eu-west-1' }, { instanceId: 'i-2', region: 'eu-west-1' }]],
        ['b', []],
      ]),
    );
  });
});

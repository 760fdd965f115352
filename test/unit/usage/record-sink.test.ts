// The record checks every source shares (RecordSink): the shortcuts for runs of one region and
// one source never let a bad record through after a good one, and the time a record is handed
// on with is its eventTime.
import { describe, expect, it } from 'vitest';
import { SkipCounter, type CloudTrailEvent } from '../../../src/usage/cloudtrail-event.js';
import { eventTimeMs } from '../../../src/usage/event-time.js';
import { RecordSink } from '../../../src/usage/sources/parse-log-file.js';
import { ctEvent, iamUser } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const who = iamUser(fakeKeyId());

function check(records: unknown[]) {
  const got: [CloudTrailEvent, number][] = [];
  const skips = new SkipCounter();
  const sink = new RecordSink({ since: null, until: null }, skips, (e, t) => got.push([e, t]));
  for (const r of records) sink.accept(r);
  return { got, skips: skips.toRecord() };
}

describe('RecordSink', () => {
  it('hands each record on with its eventTime in milliseconds', () => {
    const records = ['2024-05-01T00:00:00Z', '2024-05-01T00:00:01Z', '2024-02-29T23:59:59Z'].map((time) => ctEvent({ identity: who, eventName: 'ListBuckets', time }));
    expect(check(records).got.map(([e, t]) => [e.eventTime, t])).toEqual(records.map((r) => [r.eventTime, eventTimeMs(r.eventTime)]));
  });

  it('checks a region or a source that differs from the last good one, empty ones included', () => {
    const good = ctEvent({ identity: who, eventName: 'ListBuckets', time: '2024-05-01T00:00:00Z' });
    const r = check([
      good,
      { ...good, awsRegion: '' },
      good,
      { ...good, sourceIPAddress: '' },
      good,
      { ...good, awsRegion: 'us-east-1 ' },
      { ...good, sourceIPAddress: '203.0.113.10 ' },
      { ...good, eventName: 'List\u007fBuckets' },
      { ...good, eventSource: 's3.amazonaws.com\n' },
      good,
    ]);
    expect(r.skips).toEqual({ 'invalid-region': 2, 'invalid-ip': 2, 'not-cloudtrail': 2 });
    expect(r.got).toHaveLength(4);
  });
});

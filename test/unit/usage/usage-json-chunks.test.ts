// The usage document written key by key is, byte for byte, JSON.stringify(usage, null, 2).
import { describe, expect, it } from 'vitest';
import { UsageAggregator } from '../../../src/usage/aggregate.js';
import { USAGE_VERSION, type UsageDocument } from '../../../src/model/usage.js';
import { usageJsonChunks } from '../../../src/usage/usage-json-chunks.js';
import { assumeRoleEvent, ctEvent, iamUser } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

function usageOf(keys: UsageDocument['keys'], location = '/trail'): UsageDocument {
  return {
    kind: 'usage',
    version: USAGE_VERSION,
    account: null,
    asOf: '2024-06-01T00:00:00.000Z',
    generator: { name: 'keyshift', version: '0.0.0' },
    window: { since: null, until: null },
    sources: [{ type: 'directory', location, files: 1, events: 3 }],
    skipped: {},
    inventoryAsOf: null,
    keys,
    coverage: { recording: { source: 'inferred', managementEvents: 'all', dataEventTypes: [], notes: [] }, gaps: [] } as unknown as UsageDocument['coverage'],
  };
}

function keysOf(n: number): UsageDocument['keys'] {
  const agg = new UsageAggregator();
  for (let i = 0; i < n; i++) {
    const key = fakeKeyId();
    const who = iamUser(key, `user "${i}" ünïcødé`);
    agg.add(ctEvent({ identity: who, eventName: 'GetObject', time: '2024-05-01T10:00:00Z', requestParameters: { bucketName: 'b', key: 'a/"quoted"/x' } }));
    agg.add(assumeRoleEvent(who, fakeKeyId('ASIA'), 'arn:aws:iam::123456789012:role/r', '2024-05-01T11:00:00Z'));
  }
  return agg.finish().keys;
}

describe('usageJsonChunks', () => {
  it.each([0, 1, 3])('joins to the whole document with %i keys', (n) => {
    const usage = usageOf(keysOf(n));
    expect([...usageJsonChunks(usage)].join('')).toBe(`${JSON.stringify(usage, null, 2)}\n`);
  });

  it('is not fooled by the placeholder text inside the document', () => {
    const usage = usageOf(keysOf(2), '/trail/"__keyshift_keys__"/x');
    expect([...usageJsonChunks(usage)].join('')).toBe(`${JSON.stringify(usage, null, 2)}\n`);
  });

  it('writes one piece per key, so the whole text is never one string', () => {
    expect([...usageJsonChunks(usageOf(keysOf(5)))].length).toBeGreaterThanOrEqual(5 + 2);
  });
});

// The 90-day rules on access keys, with the injectable clock: only active keys, "unused"
// from the last use or, never used, from creation; no guess when the last use is unknown.
import { describe, expect, it } from 'vitest';
import type { AccessKey } from '../../../src/model/inventory.js';
import { ageInDays } from '../../../src/scan/aws/iam/access-keys.js';
import { accessKeyFindings } from '../../../src/scan/aws/iam/key-findings.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

function key(id: string, createdDaysAgo: number, lastUsedDaysAgo: number | null, status: AccessKey['status'] = 'Active'): AccessKey {
  return {
    accessKeyId: id,
    userName: 'alice',
    status,
    createDate: daysAgo(createdDaysAgo),
    ageDays: ageInDays(new Date(daysAgo(createdDaysAgo)), NOW),
    lastUsed: { date: lastUsedDaysAgo === null ? null : daysAgo(lastUsedDaysAgo), serviceName: null, region: null },
  };
}

const rulesOf = (keys: AccessKey[]) => accessKeyFindings(keys, NOW).map((f) => `${f.subject.type === 'access-key' ? f.subject.accessKeyId : ''} ${f.rule} ${f.severity}`);

describe('access key findings', () => {
  it('applies both rules to active keys only', () => {
    expect(rulesOf([key('FRESH', 10, 1), key('OLD-USED', 400, 2), key('OLD-QUIET', 400, 120), key('OLD-NEVER', 91, null), key('NEW-NEVER', 89, null), key('OFF', 400, 300, 'Inactive')])).toEqual([
      'OLD-USED key-older-than-90-days medium',
      'OLD-QUIET key-unused-90-days medium',
      'OLD-QUIET key-older-than-90-days medium',
      'OLD-NEVER key-unused-90-days medium',
      'OLD-NEVER key-older-than-90-days medium',
    ]);
  });

  it('uses exactly 90 days as the boundary', () => {
    expect(rulesOf([key('AT-90', 90, 90)])).toEqual([]);
  });

  it('makes no "unused" claim when the last use could not be read', () => {
    expect(rulesOf([{ ...key('UNKNOWN', 400, null), lastUsed: null }])).toEqual(['UNKNOWN key-older-than-90-days medium']);
  });

  it('never gives a negative age (a key dated after the clock)', () => {
    expect(ageInDays(new Date('2025-06-02T00:00:00Z'), NOW)).toBe(0);
  });
});

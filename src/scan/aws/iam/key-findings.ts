// Findings about active access keys: unused for 90 days (a credential that can go without
// anyone noticing), and older than 90 days (never rotated). Inactive keys cannot be used and
// are not findings. A key whose last use could not be read gets no "unused" finding.
import type { AccessKey, InventoryFinding } from '../../../model/inventory.js';

const DAY_MS = 86_400_000;
export const STALE_DAYS = 90;

function daysSince(iso: string, now: Date): number {
  return (now.getTime() - Date.parse(iso)) / DAY_MS;
}

export function accessKeyFindings(keys: readonly AccessKey[], now: Date): InventoryFinding[] {
  const findings: InventoryFinding[] = [];
  for (const key of keys) {
    if (key.status !== 'Active') continue;
    const subject = { type: 'access-key' as const, accessKeyId: key.accessKeyId, userName: key.userName };
    const age = daysSince(key.createDate, now);
    // a key whose last use could not be read is not judged unused
    if (key.lastUsed !== null) {
      const lastUsed = key.lastUsed.date;
      if (lastUsed !== null && daysSince(lastUsed, now) > STALE_DAYS) {
        const days = Math.floor(daysSince(lastUsed, now));
        findings.push({ rule: 'key-unused-90-days', severity: 'medium', subject, message: `access key ${key.accessKeyId} of ${key.userName} is active but was last used ${days} days ago` });
      } else if (lastUsed === null && age > STALE_DAYS) {
        findings.push({ rule: 'key-unused-90-days', severity: 'medium', subject, message: `access key ${key.accessKeyId} of ${key.userName} is active but was never used in its ${key.ageDays} days` });
      }
    }
    if (age > STALE_DAYS) {
      findings.push({ rule: 'key-older-than-90-days', severity: 'medium', subject, message: `access key ${key.accessKeyId} of ${key.userName} is ${key.ageDays} days old and has not been rotated` });
    }
  }
  return findings;
}

// The key IDs given with --keys, checked once for every source that sends them somewhere: as
// a LookupEvents attribute, or inside generated SQL, where anything but the documented shape
// of an access key ID (IAM's AccessKeyId: 16 to 128 of [A-Z0-9]) could change the query.
import { usageError } from '../../errors.js';

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

export function isAccessKeyId(s: string): boolean {
  return ACCESS_KEY_ID.test(s);
}

/** The key IDs, deduplicated and sorted; a usage error names the first that is not a key ID. */
export function checkedAccessKeyIds(keys: readonly string[]): string[] {
  for (const k of keys) {
    if (!isAccessKeyId(k)) {
      const shown = k.length > 40 ? `${k.slice(0, 40)}…` : k;
      throw usageError(`not an access key ID: ${JSON.stringify(shown)}`, 'pass key IDs such as AKIAIOSFODNN7EXAMPLE to --keys: 16 to 128 capital letters and digits');
    }
  }
  return [...new Set(keys)].sort();
}

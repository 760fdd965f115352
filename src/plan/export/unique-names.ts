// Resource names in the exports (Terraform labels, CloudFormation logical IDs) come from
// workload and policy names, which may hold characters the formats do not allow. Names must
// be unique, deterministic and stable from one plan to the next (a renamed resource is
// destroyed and created again), so a name is the sanitized text itself, and only names that
// collide get a suffix: a hash of what they were made from, independent of their neighbours.
import { createHash } from 'node:crypto';
import { KeyshiftError } from '../../errors.js';

export interface NameRequest {
  /** what the name stands for, unique among the requests (e.g. "policy:asg-web/s3-read") */
  key: string;
  /** the name wanted, already sanitized for the format */
  base: string;
}

/** Short hex digest of a key: the suffix that separates colliding names. */
export function shortHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Maps each request's key to a name unique among them; `join` puts base and suffix together. */
export function uniqueNames(requests: NameRequest[], join: (base: string, suffix: string) => string): Map<string, string> {
  const byBase = new Map<string, number>();
  for (const { base } of requests) byBase.set(base, (byBase.get(base) ?? 0) + 1);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const { key, base } of requests) {
    if (names.has(key)) throw new KeyshiftError('internal', `export: two resources are both named from "${key}"`);
    const name = byBase.get(base) === 1 ? base : join(base, shortHash(key));
    // a suffixed name meeting another request's base is astronomically unlikely; never silent
    if (taken.has(name)) throw new KeyshiftError('internal', `export: resource name "${name}" is not unique`);
    taken.add(name);
    names.set(key, name);
  }
  return names;
}

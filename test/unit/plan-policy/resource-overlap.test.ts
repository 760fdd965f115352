// The shared part of two resource patterns, which the builder asks the evaluator about.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlap } from '../../../src/plan/policy/resource-overlap.js';

function glob(pattern: string): RegExp {
  return new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
}

describe('overlap', () => {
  it('is the narrower pattern when one covers the other', () => {
    expect(overlap('arn:aws:s3:::b/*', 'arn:aws:s3:::b/secret/*')).toBe('arn:aws:s3:::b/secret/*');
    expect(overlap('*', 'arn:aws:s3:::*')).toBe('arn:aws:s3:::*');
  });

  it('finds a shared part when neither covers the other, and none when there is none', () => {
    expect(overlap('arn:aws:s3:::b/*', 'arn:aws:s3:::*secret*')).toBe('arn:aws:s3:::b/*secret*');
    expect(overlap('arn:aws:s3:::b/*', 'arn:aws:s3:::c/*')).toBeUndefined();
    expect(overlap('arn:aws:s3:::b/?x', 'arn:aws:s3:::b/a*')).toBe('arn:aws:s3:::b/ax');
  });

  it('reads a policy variable as *', () => {
    expect(overlap('arn:aws:s3:::b/*', 'arn:aws:s3:::b/home/${aws:username}/*')).toBe('arn:aws:s3:::b/home/*/*');
  });

  it('returns a pattern inside both, and finds every overlap a string shows', () => {
    const pattern = fc.stringMatching(/^[ab*?]{0,6}$/);
    fc.assert(
      fc.property(pattern, pattern, fc.stringMatching(/^[ab]{0,6}$/), (x, y, s) => {
        const shared = overlap(x, y);
        if (glob(x).test(s) && glob(y).test(s)) expect(shared).toBeDefined();
        // every string the shared pattern stands for (wildcards read as a, or nothing) is in both
        if (shared !== undefined) {
          for (const filled of [shared.replace(/\*/g, '').replace(/\?/g, 'a'), shared.replace(/[*?]/g, 'b')]) {
            expect([x, y, filled, glob(x).test(filled) && glob(y).test(filled)]).toEqual([x, y, filled, true]);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { combineExitCodes, exitCodeForKind, ExitCode } from '../../../cli/exit-codes.js';

describe('exit codes (DESIGN.md)', () => {
  it('maps every error kind to its code', () => {
    expect(exitCodeForKind('usage')).toBe(2);
    expect(exitCodeForKind('bad-input')).toBe(3);
    expect(exitCodeForKind('aws-refused')).toBe(4);
    expect(exitCodeForKind('safety-gate')).toBe(5);
    expect(exitCodeForKind('incomplete')).toBe(6);
    expect(exitCodeForKind('waiting')).toBe(75);
    expect(exitCodeForKind('internal')).toBe(70);
    expect(exitCodeForKind('interrupted')).toBe(130);
  });

  it('picks the first in the order 70, 130, 2, 3, 4, 5, 75, 6, 1, 0', () => {
    const order = [70, 130, 2, 3, 4, 5, 75, 6, 1, 0];
    for (let i = 0; i < order.length; i++) {
      for (let j = i; j < order.length; j++) {
        expect(combineExitCodes([order[j]!, order[i]!])).toBe(order[i]);
        expect(combineExitCodes([order[i]!, order[j]!])).toBe(order[i]);
      }
    }
    expect(combineExitCodes([])).toBe(ExitCode.ok);
  });

  it('ranks a custom findings code (--exit-code) where 1 ranks', () => {
    expect(combineExitCodes([9], 9)).toBe(9);
    expect(combineExitCodes([9, 6], 9)).toBe(6);
    expect(combineExitCodes([0], 0)).toBe(0);
    expect(combineExitCodes([0, 6], 0)).toBe(6);
  });
});

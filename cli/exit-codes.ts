// The exit codes of DESIGN.md and their precedence: when several apply, the first in
// PRECEDENCE wins. Engine errors carry a kind; this file is the only place that knows numbers.
import type { ErrorKind } from '../src/errors.js';

export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  badInput: 3,
  awsRefused: 4,
  safetyGate: 5,
  incomplete: 6,
  internal: 70,
  waiting: 75,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const PRECEDENCE: readonly number[] = [70, 130, 2, 3, 4, 5, 75, 6, 1, 0];

const BY_KIND: Record<ErrorKind, ExitCode> = {
  usage: ExitCode.usage,
  'bad-input': ExitCode.badInput,
  'aws-refused': ExitCode.awsRefused,
  'safety-gate': ExitCode.safetyGate,
  waiting: ExitCode.waiting,
  incomplete: ExitCode.incomplete,
  interrupted: ExitCode.interrupted,
  internal: ExitCode.internal,
};

export function exitCodeForKind(kind: ErrorKind): ExitCode {
  return BY_KIND[kind];
}

/**
 * The code that wins among several. A custom findings code (--exit-code N) ranks where 1
 * does; pass it as `findingsCode` so it is ranked in the findings slot.
 */
export function combineExitCodes(codes: readonly number[], findingsCode = 1): number {
  let best = 0;
  let bestRank = PRECEDENCE.indexOf(0);
  for (const code of codes) {
    const rank = PRECEDENCE.indexOf(code === findingsCode ? 1 : code);
    const effective = rank === -1 ? PRECEDENCE.indexOf(1) : rank;
    if (effective < bestRank) {
      best = code;
      bestRank = effective;
    }
  }
  return best;
}

// The two ends of a time: eventTimeMs reads CloudTrail's eventTime (remembering the last day,
// which must never leak into the next call), and isoTime writes the usage document's times: the
// same text as Date.toISOString without a zero millisecond part, for any time, whatever came before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTimeMs, isoTime } from '../../../src/usage/event-time.js';

function reference(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

const MAX = 8.64e15; // the range of Date
const times = fc.oneof(
  fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => Math.floor(ms / 1000) * 1000),
  fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
  fc.integer({ min: -MAX, max: MAX }).map((ms) => Math.floor(ms / 1000) * 1000),
  fc.integer({ min: -MAX, max: MAX }),
);

describe('isoTime', () => {
  it('writes what toISOString writes, without .000', () => {
    fc.assert(
      fc.property(fc.array(times, { minLength: 1, maxLength: 20 }), (list) => {
        for (const ms of list) expect(isoTime(ms)).toBe(reference(ms));
      }),
      { numRuns: 500 },
    );
  });

  it('handles the edges of days, years and the Date range', () => {
    for (const ms of [0, -1000, Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59), Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1), MAX, -MAX]) {
      expect(isoTime(ms), String(ms)).toBe(reference(ms));
    }
    expect(() => isoTime(NaN)).toThrow(RangeError);
  });
});

/** What eventTimeMs gives for CloudTrail's own shape: Date.UTC of the fields, NaN for an impossible date or time. */
function referenceTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(s);
  if (m === null) return NaN;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (days === undefined || d < 1 || d > days || h > 23 || mi > 59 || se > 59) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

const two = (n: number) => String(n).padStart(2, '0');
const eventTimes = fc
  .record({ y: fc.constantFrom(1999, 2000, 2023, 2024, 2100), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }), h: fc.integer({ min: 0, max: 24 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 60 }) })
  .map(({ y, mo, d, h, mi, s }) => `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}Z`);

describe('eventTimeMs', () => {
  it('reads every date and time the same, valid or not, whatever it read before', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(eventTimes, eventTimes.map((t) => t.replace('-', 'x')), eventTimes.map((t) => t.replace(/T\d/, 'T-'))), { minLength: 1, maxLength: 30 }), (list) => {
        for (const t of list) expect(eventTimeMs(t), t).toBe(referenceTime(t));
      }),
      { numRuns: 300 },
    );
  });
});

// CloudTrail eventTime parsing: the fast path for CloudTrail's own form, the fallback for other
// ISO 8601 forms, and rejection of anything else.
import { describe, expect, it } from 'vitest';
import { eventTimeMs, isoTime } from '../../../src/usage/event-time.js';

describe('eventTimeMs', () => {
  it.each([
    ['2024-05-01T12:34:56Z', Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T23:59:59Z', Date.UTC(2000, 1, 29, 23, 59, 59)],
    ['2024-05-01T12:34:56.789Z', Date.UTC(2024, 4, 1, 12, 34, 56, 789)],
    ['2024-05-01T14:34:56+02:00', Date.UTC(2024, 4, 1, 12, 34, 56)],
  ])('reads %s', (text, ms) => {
    expect(eventTimeMs(text)).toBe(ms);
  });

  it.each(['2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T12:60:00Z', '2024-05-01 12:00:00Z', '2024-05-01T12:00:00', '２０２４-05-01T00:00:00Z', '', 'yesterday'])(
    'rejects %j',
    (text) => {
      expect(eventTimeMs(text)).toBeNaN();
    },
  );

  it('writes times the way CloudTrail does, with milliseconds only when there are some', () => {
    expect(isoTime(Date.UTC(2024, 4, 1, 12))).toBe('2024-05-01T12:00:00Z');
    expect(isoTime(Date.UTC(2024, 4, 1, 12, 0, 0, 5))).toBe('2024-05-01T12:00:00.005Z');
  });
});

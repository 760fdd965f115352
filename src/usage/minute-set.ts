// The minutes in which a key made calls, per UTC day, so the longest quiet period can be found
// at the end although events arrive in any order. Gaps are therefore measured at minute
// resolution: two calls in the same minute are 0 apart, and a gap is exact to ±1 minute.
//
// A day holds its minutes as a short sorted list while there are few (a nightly job, a
// session of a temporary key: most key-days) and as a bitmap of 1,440 bits (180 bytes) once
// there are more. Memory is set by the days a key was active, whatever the number of calls.

import type { SnapshotReader, SnapshotWriter } from './aggregate-snapshot.js';

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;
/** 32-bit words in a day's bitmap */
const WORDS_PER_DAY = MINUTES_PER_DAY / 32;
/** Past this many minutes a day's list becomes a bitmap (a list of small integers costs about 4 bytes a minute). */
const LIST_MAX = 24;

/** One day's minutes (0-1439): a sorted list, or a bitmap (bit m of word w: minute 32w + m). */
type DayMinutes = number[] | Uint32Array;

function toBitmap(list: readonly number[]): Uint32Array {
  const bits = new Uint32Array(WORDS_PER_DAY);
  for (const m of list) bits[m >>> 5]! |= 1 << (m & 31);
  return bits;
}

export class MinuteSet {
  private readonly days = new Map<number, DayMinutes>();
  // calls come in bursts: the day of the last call is usually the day of the next
  private lastDay = NaN;
  private lastMinutes: DayMinutes = [];

  add(ms: number): void {
    const minute = Math.floor(ms / MINUTE_MS);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    const minutes = day === this.lastDay ? this.lastMinutes : this.dayMinutes(day);
    this.mark(day, minutes, minute - day * MINUTES_PER_DAY);
  }

  private dayMinutes(day: number): DayMinutes {
    let minutes = this.days.get(day);
    if (minutes === undefined) {
      minutes = [];
      this.days.set(day, minutes);
    }
    this.lastDay = day;
    this.lastMinutes = minutes;
    return minutes;
  }

  /** Marks minute `m` of a day whose minutes are `minutes` (as stored in `days`). */
  private mark(day: number, minutes: DayMinutes, m: number): void {
    if (!Array.isArray(minutes)) {
      minutes[m >>> 5]! |= 1 << (m & 31);
      return;
    }
    const n = minutes.length;
    // calls mostly come in time order: the new minute is usually the last one or after it
    let at = n;
    if (n > 0 && minutes[n - 1]! >= m) {
      if (minutes[n - 1] === m) return;
      at = 0;
      while (minutes[at]! < m) at++;
      if (minutes[at] === m) return;
    }
    if (n < LIST_MAX) {
      minutes.splice(at, 0, m);
      return;
    }
    const bits = toBitmap(minutes);
    bits[m >>> 5]! |= 1 << (m & 31);
    this.days.set(day, bits);
    if (this.lastDay === day) this.lastMinutes = bits;
  }

  /** Marks every minute the other set marks. */
  merge(other: MinuteSet): void {
    for (const [day, theirs] of other.days) {
      const mine = this.dayMinutes(day);
      if (Array.isArray(theirs)) for (const m of theirs) this.mark(day, this.lastMinutes, m);
      else if (Array.isArray(mine)) {
        const bits = theirs.slice();
        for (const m of mine) bits[m >>> 5]! |= 1 << (m & 31);
        this.days.set(day, bits);
        this.lastMinutes = bits;
      } else for (let w = 0; w < WORDS_PER_DAY; w++) mine[w]! |= theirs[w]!;
    }
  }

  /** Writes the marked minutes to a snapshot: days, then per day its number, and its list (length first) or -1 and its bitmap. */
  writeTo(w: SnapshotWriter): void {
    w.num(this.days.size);
    for (const [day, minutes] of this.days) {
      w.num(day);
      if (Array.isArray(minutes)) {
        w.num(minutes.length);
        for (const m of minutes) w.num(m);
      } else {
        w.num(-1);
        for (const word of minutes) w.num(word);
      }
    }
  }

  /** Marks the minutes a snapshot holds (what writeTo wrote). */
  mergeFrom(r: SnapshotReader): void {
    for (let days = r.num(); days > 0; days--) {
      const day = r.num();
      const length = r.num();
      const minutes = this.dayMinutes(day);
      if (length >= 0) {
        for (let i = 0; i < length; i++) this.mark(day, this.lastMinutes, r.num());
        continue;
      }
      const bits = Array.isArray(minutes) ? toBitmap(minutes) : minutes;
      for (let w = 0; w < WORDS_PER_DAY; w++) bits[w]! |= r.num();
      this.days.set(day, bits);
      this.lastMinutes = bits;
    }
  }

  /** The longest distance between two consecutive marked minutes, in seconds; null with fewer than two marked minutes. */
  longestGapSeconds(): number | null {
    let previous: number | null = null;
    let longest: number | null = null;
    const visit = (minute: number) => {
      if (previous !== null) longest = Math.max(longest ?? 0, minute - previous);
      previous = minute;
    };
    for (const day of [...this.days.keys()].sort((a, b) => a - b)) {
      const minutes = this.days.get(day)!;
      const start = day * MINUTES_PER_DAY;
      if (Array.isArray(minutes)) {
        for (const m of minutes) visit(start + m);
        continue;
      }
      for (let w = 0; w < WORDS_PER_DAY; w++) {
        let word = minutes[w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          word &= word - 1;
          visit(start + w * 32 + bit);
        }
      }
    }
    return longest === null ? null : longest * 60;
  }
}

// The minutes in which a key made calls, as one bit per minute in a bitmap per UTC day
// (180 bytes a day in use, whatever the number of calls), so the longest quiet period can be
// found at the end although events arrive in any order. Gaps are therefore measured at
// minute resolution: two calls in the same minute are 0 apart, and a gap is exact to ±1 minute.

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;
const WORDS_PER_DAY = MINUTES_PER_DAY / 32;

export class MinuteSet {
  private readonly days = new Map<number, Uint32Array>();
  // calls come in bursts: the day of the last call is usually the day of the next
  private lastDay = NaN;
  private lastBits: Uint32Array = new Uint32Array(0);

  add(ms: number): void {
    const minute = Math.floor(ms / MINUTE_MS);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    let bits = this.lastBits;
    if (day !== this.lastDay) {
      let found = this.days.get(day);
      if (found === undefined) {
        found = new Uint32Array(WORDS_PER_DAY);
        this.days.set(day, found);
      }
      bits = found;
      this.lastDay = day;
      this.lastBits = found;
    }
    const m = minute - day * MINUTES_PER_DAY;
    bits[m >>> 5]! |= 1 << (m & 31);
  }

  /** The longest distance between two consecutive marked minutes, in seconds; null with fewer than two marked minutes. */
  longestGapSeconds(): number | null {
    let previous: number | null = null;
    let longest: number | null = null;
    for (const day of [...this.days.keys()].sort((a, b) => a - b)) {
      const bits = this.days.get(day)!;
      for (let w = 0; w < WORDS_PER_DAY; w++) {
        let word = bits[w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          word &= word - 1;
          const minute = day * MINUTES_PER_DAY + w * 32 + bit;
          if (previous !== null) longest = Math.max(longest ?? 0, minute - previous);
          previous = minute;
        }
      }
    }
    return longest === null ? null : longest * 60;
  }
}

// CloudTrail writes eventTime as "YYYY-MM-DDTHH:MM:SSZ". Reading that shape by hand is several
// times faster than Date.parse, which matters at millions of events; any other ISO 8601 form
// with an explicit offset falls back to Date.parse. Times are kept as epoch milliseconds.

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

// a file's records fall on one or two days: the start of the last day is kept
let lastDateKey = -1;
let lastDayMs = NaN;

/** Date.UTC of a date, NaN when it is not one; the last one is remembered. */
function dayStartMs(year: number, month: number, day: number): number {
  const key = year * 10_000 + month * 100 + day;
  if (key === lastDateKey && year >= 0 && month >= 0 && day >= 0) return lastDayMs;
  if (year < 0 || month < 1 || month > 12 || day < 1) return NaN;
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeapYear(year))) return NaN;
  lastDateKey = key;
  lastDayMs = Date.UTC(year, month - 1, day);
  return lastDayMs;
}

/** Epoch milliseconds of a CloudTrail eventTime; NaN when it is not a valid ISO 8601 UTC or offset time. */
export function eventTimeMs(s: string): number {
  if (
    s.length === 20 &&
    s.charCodeAt(4) === 45 && // -
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 && // T
    s.charCodeAt(13) === 58 && // :
    s.charCodeAt(16) === 58 &&
    s.charCodeAt(19) === 90 // Z
  ) {
    const hour = digits(s, 11, 2);
    const minute = digits(s, 14, 2);
    const second = digits(s, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
    const dayMs = dayStartMs(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
    return dayMs + hour * 3_600_000 + minute * 60_000 + second * 1000;
  }
  if (!ISO_WITH_OFFSET.test(s)) return NaN;
  return Date.parse(s);
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAY_MS = 86_400_000;
// a document's times fall on few days: the date part of the last one is kept
let lastIsoDay = NaN;
let lastIsoDate = '';

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoTimeOfDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** ISO 8601 UTC, without milliseconds when they are zero (the way CloudTrail writes times). */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  // whole seconds (CloudTrail's times) are written here, the rest by Date
  if (inDay % 1000 !== 0 || !Number.isFinite(ms)) return isoTimeOfDate(ms);
  if (day !== lastIsoDay) {
    const start = new Date(day * DAY_MS).toISOString();
    // years outside 0000-9999 are written with a sign and six digits: Date writes those
    if (start.length !== 24) return isoTimeOfDate(ms);
    lastIsoDate = start.slice(0, 11); // YYYY-MM-DDT
    lastIsoDay = day;
  }
  const seconds = inDay / 1000;
  return `${lastIsoDate}${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}Z`;
}

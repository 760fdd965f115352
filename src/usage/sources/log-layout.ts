// What the CloudTrail S3 delivery layout tells about time before a file is opened, so sources
// can skip whole years, months, days and files outside the window:
//   AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
//   AWSLogs/<org-id>/<account>/CloudTrail/...            (organization trails)
// The date folders and the time in the name are when the file was *delivered*, and "a log file
// delivered at a specific time can contain records written at any point before that time"
// (CloudTrail User Guide, "CloudTrail log file name format"). So a file's records are never
// later than its delivery, but may be earlier: pruning after the window's end allows for late
// delivery (CloudTrail delivers in about 5 minutes on average; we allow a day).
import type { TimeWindow } from '../cloudtrail-event.js';

export const LATE_DELIVERY_MS = 24 * 60 * 60 * 1000;

const MINUTE_MS = 60 * 1000;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const LOG_FILE_NAME = /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]+\.json(?:\.gz)?$/;

/** An AWS region name as CloudTrail writes it (us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, …). */
export function isRegionName(s: string): boolean {
  return REGION.test(s);
}

/** Epoch bounds of a window; an open end is ±Infinity. */
export interface WindowBounds {
  sinceMs: number;
  untilMs: number;
}

export function windowBounds(window: TimeWindow): WindowBounds {
  return { sinceMs: window.since?.getTime() ?? -Infinity, untilMs: window.until?.getTime() ?? Infinity };
}

/** Whether a time is inside the window: since inclusive, until exclusive. */
export function insideWindow(ms: number, b: WindowBounds): boolean {
  return ms >= b.sinceMs && ms < b.untilMs;
}

/**
 * Whether files delivered in [deliveredFrom, deliveredTo) can hold no record inside the window:
 * their records are all before deliveredTo, and (allowing for late delivery) none before
 * deliveredFrom - LATE_DELIVERY_MS.
 */
export function deliveryOutsideWindow(deliveredFrom: number, deliveredTo: number, b: WindowBounds): boolean {
  return deliveredTo <= b.sinceMs || deliveredFrom - LATE_DELIVERY_MS >= b.untilMs;
}

/** The delivery span of a date folder (year; year and month; or year, month and day), UTC. */
export function dateFolderSpan(year: number, month?: number, day?: number): [number, number] {
  if (month === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  if (day === undefined) return [Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1)];
  return [Date.UTC(year, month - 1, day), Date.UTC(year, month - 1, day + 1)];
}

export interface LogFileName {
  account: string;
  region: string;
  /** the minute the file was delivered */
  deliveredAt: number;
}

/** Reads a CloudTrail log file name (…_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz); null for any other name. */
export function parseLogFileName(name: string): LogFileName | null {
  const m = LOG_FILE_NAME.exec(name);
  if (!m) return null;
  const [, account, region, y, mo, d, h, mi] = m as unknown as [string, string, string, string, string, string, string, string];
  const deliveredAt = Date.UTC(+y, +mo - 1, +d, +h, +mi);
  return Number.isNaN(deliveredAt) ? null : { account, region, deliveredAt };
}

/** Whether a file named like a CloudTrail log file cannot hold a record inside the window. */
export function logFileOutsideWindow(name: string, b: WindowBounds): boolean {
  const parsed = parseLogFileName(name);
  return parsed !== null && deliveryOutsideWindow(parsed.deliveredAt, parsed.deliveredAt + MINUTE_MS, b);
}

/** Folders under an account that hold something other than API call records: digests, Insights events. */
export function isNonEventFolder(name: string): boolean {
  return name === 'CloudTrail-Digest' || name === 'CloudTrail-Insight';
}

/** Digest files (hash chains, not events) can sit beside log files when a layout is flattened. */
export function isDigestFileName(name: string): boolean {
  return name.includes('_CloudTrail-Digest_');
}

// The fields of a CloudTrail record that usage learning reads. Records are checked by hand
// (not by a schema) because millions pass through here: see isCloudTrailEvent.
export interface CloudTrailEvent {
  eventVersion?: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  eventType?: string;
  managementEvent?: boolean;
  eventCategory?: string;
  recipientAccountId?: string;
  vpcEndpointId?: string;
  userIdentity: {
    type?: string;
    principalId?: string;
    arn?: string;
    accountId?: string;
    accessKeyId?: string;
    userName?: string;
    sessionContext?: {
      sessionIssuer?: { type?: string; arn?: string; userName?: string };
      attributes?: Record<string, string>;
    };
    invokedBy?: string;
  };
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  resources?: { ARN?: string; type?: string; accountId?: string }[];
}

/** Why a record or file was skipped; counted and reported, never silently dropped. */
export type SkipReason =
  | 'corrupt-gzip'
  | 'invalid-json'
  | 'not-cloudtrail'
  | 'missing-fields'
  | 'invalid-time'
  | 'invalid-ip'
  | 'invalid-region'
  | 'outside-window'
  | 'unreadable';

export class SkipCounter {
  readonly counts = new Map<SkipReason, number>();
  add(reason: SkipReason, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }
  /** skips that mean part of the input could not be read (exit 6); outside-window is a filter, not a fault */
  get faults(): number {
    let n = 0;
    for (const [reason, count] of this.counts) if (reason !== 'outside-window') n += count;
    return n;
  }
  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Receives each well-formed record with its eventTime in epoch milliseconds (read once, by RecordSink). */
export type EventSink = (event: CloudTrailEvent, timeMs: number) => void;

/**
 * A source of CloudTrail events. Sources stream: they never hold more than one file's records
 * at a time, so memory stays bounded however many files there are.
 */
export interface EventSource {
  readonly description: { type: 'directory' | 's3' | 'lookup-events' | 'athena'; location: string };
  /** calls onEvent for every well-formed record inside the window; counts the rest in skips */
  read(onEvent: EventSink, skips: SkipCounter, signal?: AbortSignal): Promise<{ files: number; events: number }>;
  /** set by sources of files on local disk, which worker threads can read in parallel instead of read() */
  readonly localFiles?: LocalLogFiles;
}

/** Log files on local disk, as a source lists them: what read() would read, in the same order. */
export interface LocalLogFiles {
  window: TimeWindow;
  /** files larger than this are streamed rather than read whole */
  wholeFileMaxBytes: number;
  /** the paths in read order; folders that cannot be listed are counted in skips */
  paths(skips: SkipCounter, signal?: AbortSignal): Iterable<string>;
}

export interface TimeWindow {
  since: Date | null;
  until: Date | null;
}

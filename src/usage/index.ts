// Usage learning: CloudTrail records in, per-key usage out.
export { SkipCounter, type CloudTrailEvent, type EventSource, type LocalLogFiles, type SkipReason, type TimeWindow } from './cloudtrail-event.js';
export type { EvidenceStats, TrailSelectors } from './evidence-stats.js';
export { eventTimeMs, isoTime } from './event-time.js';
export { localDirectorySource, type LocalDirectoryOptions } from './sources/local-directory.js';
export { readLogFile, WHOLE_FILE_MAX_BYTES } from './sources/log-file-reader.js';
export { parseLogBytes, parseLogStream, parseWholeLog, RecordSink } from './sources/parse-log-file.js';
export {
  dateFolderSpan,
  deliveryOutsideWindow,
  insideWindow,
  isRegionName,
  LATE_DELIVERY_MS,
  logFileOutsideWindow,
  parseLogFileName,
  windowBounds,
  type LogFileName,
  type WindowBounds,
} from './sources/log-layout.js';
export { forEachIamAction, iamActionNames, iamActionsFor, iamServicePrefix, stripApiVersion, type IamActionUse } from './event-to-action.js';
export { arnContext, partitionOf, resourcesFor, s3KeyPattern, S3_PREFIX_MAX_FOLDERS, sqsQueueArn, type ArnContext } from './resources.js';
export { compareVersions, describeUserAgent, type ToolVersion, type UserAgentInfo } from './user-agent.js';
export { isDeniedError, isTemporaryKey, UsageAggregator, type AggregateResult, type AggregatorOptions } from './aggregate.js';

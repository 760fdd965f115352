// Which event source a --from value names: a local folder or file of CloudTrail logs today;
// s3://bucket/prefix, lookup-events and Athena results join as their sources land.
import { usageError } from '../../errors.js';
import type { EventSource, TimeWindow } from '../cloudtrail-event.js';
import { localDirectorySource } from './local-directory.js';

export function sourceFor(spec: string, window: TimeWindow): EventSource {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw usageError(`--from ${spec}: this keyshift reads CloudTrail logs from local folders only`, 'download the logs (aws s3 sync s3://bucket/AWSLogs ./trail) and pass the folder');
  }
  return localDirectorySource(spec, window);
}

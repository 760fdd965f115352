// The AWS calls of `keyshift usage`, for the one table of AWS calls (and so for `keyshift
// permissions scan`). All read; the Athena rows are what Athena itself needs on the caller's
// behalf to run the query (no SDK command of keyshift's sends them).
import type { AwsCall } from '../../aws/aws-calls.js';

export const USAGE_CALLS: AwsCall[] = [
  { action: 's3:ListBucket', commands: ['ListObjectsV2Command'], use: 'scan', why: 'usage --from s3://…: the accounts, regions and day folders of the trail bucket inside the window' },
  { action: 's3:GetObject', commands: ['GetObjectCommand'], use: 'scan', why: 'usage --from s3://…: each CloudTrail log file (and kms:Decrypt on the trail key when the logs use SSE-KMS)' },
  { action: 'cloudtrail:LookupEvents', commands: ['LookupEventsCommand'], use: 'scan', why: 'usage --from lookup-events: the last 90 days of management events, per key and region' },
  { action: 'cloudtrail:DescribeTrails', commands: ['DescribeTrailsCommand'], use: 'scan', why: 'usage coverage: the trails that record each region' },
  { action: 'cloudtrail:GetEventSelectors', commands: ['GetEventSelectorsCommand'], use: 'scan', why: 'usage coverage: what each trail records (management read/write, data event types)' },
  { action: 'athena:StartQueryExecution', commands: ['StartQueryExecutionCommand'], use: 'athena', why: 'usage --athena-run: runs the per-key aggregate query over the CloudTrail table' },
  { action: 'athena:GetQueryExecution', commands: ['GetQueryExecutionCommand'], use: 'athena', why: 'usage --athena-run: waits for the query to finish' },
  { action: 'athena:GetQueryResults', commands: ['GetQueryResultsCommand'], use: 'athena', why: 'usage --athena-run: reads the aggregate rows' },
  { action: 'athena:StopQueryExecution', commands: ['StopQueryExecutionCommand'], use: 'athena', why: 'usage --athena-run: stops the query when the run is interrupted' },
  { action: 'glue:GetDatabase', commands: [], use: 'athena', why: 'usage --athena-run: Athena reads the database of the CloudTrail table' },
  { action: 'glue:GetTable', commands: [], use: 'athena', why: 'usage --athena-run: Athena reads the CloudTrail table definition' },
  { action: 'glue:GetPartitions', commands: [], use: 'athena', why: 'usage --athena-run: Athena prunes the partitions of a table partitioned by date' },
  { action: 's3:GetBucketLocation', commands: [], use: 'athena', why: 'usage --athena-run: Athena locates the trail bucket and the result location' },
  { action: 's3:PutObject', commands: [], use: 'athena', why: 'usage --athena-run: Athena writes the query result to the workgroup\'s result location (the only write; narrow it to that location)' },
];

// The SQL that asks Athena for the per-key aggregate (aggregate-row.ts) over the standard
// CloudTrail table: the table AWS documents for CloudTrail logs ("Create a table for
// CloudTrail logs in Athena", Athena User Guide): useridentity struct, eventtime as an ISO
// string, requestparameters and responseelements as JSON strings, resources as an array of
// structs, vpcendpointid, eventcategory. Engine: Athena v3 (Trino).
//
// One row per (key, principal, call, region, source, endpoint, user agent, error, read-only,
// category, named resources, issued key), so the trail's millions of records come back as
// thousands of rows. Resources: the record's `resources` ARNs, and the request parameters the
// resource mapping reads (resources.ts), reduced so rows do not multiply: S3 object keys cut
// to their first three folders (the mapping keeps no more), version IDs and log stream names
// reduced to "present". Parameters that are lists of items or statements (DynamoDB batch and
// transaction items, PartiQL statements) are left out; those calls map to their action on '*'.
//
// Role chains: the temporary key an STS call issued is a grouping column, so the aggregator can
// link it to its parent. With --keys, the calls made under the keys those STS calls issued are
// included too: one hop (a role assumed from an assumed role's session is not followed).
//
// Nothing from the user reaches the SQL unchecked: key IDs must match [A-Z0-9]{16,128},
// database and table names [A-Za-z0-9_-], times are formatted here from Date values, and every
// literal is checked against the shape it must have before it is quoted.
import { badInput, usageError } from '../../errors.js';
import type { TimeWindow } from '../cloudtrail-event.js';
import { isoTime } from '../event-time.js';
import { checkedAccessKeyIds } from './access-key-ids.js';
import { AGGREGATE_COLUMNS } from './aggregate-row.js';
import { LATE_DELIVERY_MS } from './log-layout.js';

/**
 * How the table is partitioned by delivery date, for partition pruning:
 * - 'timestamp': partition projection on `timestamp` as yyyy/MM/dd (AWS's partition projection example);
 * - 'year-month-day': `year`, `month`, `day` string partitions (AWS's manual partitioning example);
 * - 'none': not partitioned by date (every file is scanned).
 */
export type AthenaPartitioning = 'none' | 'timestamp' | 'year-month-day';

export interface AthenaTable {
  database: string;
  table: string;
  partitioning?: AthenaPartitioning;
}

export interface AthenaQueryInput extends AthenaTable {
  window: TimeWindow;
  /** only these keys and the temporary keys they obtained; every record when empty or omitted */
  keys?: readonly string[] | null;
}

const IDENTIFIER = /^[A-Za-z0-9_-]{1,255}$/;
const SQL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PARTITION_DAY = /^\d{4}\/\d{2}\/\d{2}$/;
const SECOND_MS = 1000;

/** A double-quoted identifier; only names that need no escaping are accepted. */
function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw usageError(`not a valid Athena ${what} name: ${JSON.stringify(name.slice(0, 80))}`, `use the ${what}'s name as the Glue catalog shows it: letters, digits, _ and -`);
  return `"${name}"`;
}

/** A single-quoted literal of a value already known to have `shape`; quotes are doubled all the same. */
function literal(value: string, shape: RegExp): string {
  if (!shape.test(value)) throw badInput(`refusing to put ${JSON.stringify(value.slice(0, 80))} into SQL`, 'this is a bug in keyshift: please report it');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The window at whole seconds (CloudTrail's eventtime has no fraction): the start rounded
 * down, the end up. The query and the check of its rows use this same window.
 */
export function athenaWindow(window: TimeWindow): TimeWindow {
  const since = window.since === null ? null : new Date(Math.floor(window.since.getTime() / SECOND_MS) * SECOND_MS);
  const until = window.until === null ? null : new Date(Math.ceil(window.until.getTime() / SECOND_MS) * SECOND_MS);
  for (const d of [since, until]) if (d !== null && Number.isNaN(d.getTime())) throw usageError('the time window has an invalid date');
  return { since, until };
}

function partitionDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Conditions on the records' own time and, when partitioned, on the delivery day (late delivery allowed for). */
function timeConditions(window: TimeWindow, partitioning: AthenaPartitioning): string[] {
  const out: string[] = [];
  const since = window.since?.getTime();
  const until = window.until?.getTime();
  // eventtime is CloudTrail's fixed yyyy-MM-ddTHH:mm:ssZ, so text order is time order
  if (since !== undefined) out.push(`eventtime >= ${literal(isoTime(since), SQL_TIME)}`);
  if (until !== undefined) out.push(`eventtime < ${literal(isoTime(until), SQL_TIME)}`);
  if (partitioning === 'none') return out;
  const day = partitioning === 'timestamp' ? '"timestamp"' : `concat("year", '/', "month", '/', "day")`;
  // a record is delivered at or after its time, up to LATE_DELIVERY_MS later
  if (since !== undefined) out.push(`${day} >= ${literal(partitionDay(since), PARTITION_DAY)}`);
  if (until !== undefined) out.push(`${day} <= ${literal(partitionDay(until - 1 + LATE_DELIVERY_MS), PARTITION_DAY)}`);
  return out;
}

type RequestField = { name: string; as: 'value' | 'present' | 's3-key' | 's3-copy-source' };

/** The request parameters resources.ts and event-to-action.ts read to name resources. */
const REQUEST_FIELDS: readonly RequestField[] = [
  ...[
    'bucketName',
    'bucket',
    'logGroupIdentifier',
    'logGroupName',
    'repositoryName',
    'registryId',
    'streamArn',
    'tableName',
    'tableArn',
    'resourceArn',
    'indexName',
    'queueUrl',
    'queueName',
    'queueOwnerAWSAccountId',
    'topicArn',
    'targetArn',
    'subscriptionArn',
    'name',
    'names',
    'keyId',
    'sourceKeyId',
    'destinationKeyId',
    'secretId',
    'secretIdList',
    'path',
    'functionName',
    'roleArn',
    'policyArn',
    'roleName',
    'userName',
    'groupName',
    'instanceProfileName',
  ].map((name): RequestField => ({ name, as: 'value' })),
  { name: 'versionId', as: 'present' },
  { name: 'logStreamName', as: 'present' },
  { name: 'key', as: 's3-key' },
  { name: 'x-amz-copy-source', as: 's3-copy-source' },
  { name: 'copySource', as: 's3-copy-source' },
];

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function requestFieldExpression(f: RequestField): string {
  const path = literal(`$["${f.name}"]`, /^\$\["[A-Za-z][A-Za-z0-9-]*"\]$/);
  switch (f.as) {
    case 'value':
      return `json_extract(requestparameters, ${path})`;
    case 'present':
      return `IF(json_extract(requestparameters, ${path}) IS NOT NULL, JSON '"*"')`;
    case 's3-key':
      // the first three folders: the prefix rule (resources.ts) never keeps more
      return `CAST(regexp_extract(json_extract_scalar(requestparameters, ${path}), '^([^/]*/){0,3}') AS JSON)`;
    case 's3-copy-source':
      // bucket and first three folders, and a stand-in object name so it still parses as bucket/key
      return `CAST(concat(regexp_extract(json_extract_scalar(requestparameters, ${path}), '^/?[^/]*/([^/]*/){0,3}'), 'object') AS JSON)`;
  }
}

function requestResourcesExpression(): string {
  const names = REQUEST_FIELDS.map((f) => literal(f.name, FIELD_NAME)).join(', ');
  const values = REQUEST_FIELDS.map(requestFieldExpression).join(',\n        ');
  return `json_format(CAST(map_filter(
      MAP(ARRAY[${names}],
        ARRAY[${values}]),
      (k, v) -> v IS NOT NULL) AS JSON))`;
}

/** The SELECT list of the inner query: each result column from the table's columns. */
function columnExpressions(): Record<Exclude<(typeof AGGREGATE_COLUMNS)[number], 'first_seen' | 'last_seen' | 'calls'>, string> {
  return {
    access_key_id: 'useridentity.accesskeyid',
    principal_type: 'useridentity.type',
    principal_arn: 'useridentity.arn',
    principal_account_id: 'useridentity.accountid',
    user_name: 'COALESCE(useridentity.username, useridentity.sessioncontext.sessionissuer.username)',
    event_source: 'eventsource',
    event_name: 'eventname',
    aws_region: 'awsregion',
    source_ip: 'sourceipaddress',
    vpc_endpoint_id: 'vpcendpointid',
    user_agent: 'useragent',
    error_code: 'errorcode',
    read_only: 'readonly',
    event_category: 'eventcategory',
    recipient_account_id: 'recipientaccountid',
    resource_arns: `array_join(array_sort(transform(resources, r -> r.arn)), ' ')`,
    request_resources: requestResourcesExpression(),
    issued_access_key_id: `IF(eventsource = 'sts.amazonaws.com', json_extract_scalar(responseelements, '$.credentials.accessKeyId'))`,
  };
}

/** The query returning the per-key aggregate (AGGREGATE_COLUMNS) for the window and keys. */
export function athenaUsageQuery(input: AthenaQueryInput): string {
  const table = `${identifier(input.database, 'database')}.${identifier(input.table, 'table')}`;
  const partitioning = input.partitioning ?? 'none';
  if (!['none', 'timestamp', 'year-month-day'].includes(partitioning)) throw usageError(`unknown Athena partitioning: ${String(partitioning)}`, 'use none, timestamp or year-month-day');
  const time = timeConditions(athenaWindow(input.window), partitioning);
  const keys = input.keys && input.keys.length > 0 ? checkedAccessKeyIds(input.keys) : null;

  const where = [...time];
  if (keys !== null) {
    const list = keys.map((k) => literal(k, /^[A-Z0-9]{16,128}$/)).join(', ');
    const issued = [`eventsource = 'sts.amazonaws.com'`, `useridentity.accesskeyid IN (${list})`, ...time].join('\n        AND ');
    where.push(`(useridentity.accesskeyid IN (${list})
      OR useridentity.accesskeyid IN (
        SELECT json_extract_scalar(responseelements, '$.credentials.accessKeyId')
        FROM ${table}
        WHERE ${issued}))`);
  }
  const columns = columnExpressions();
  const grouped = Object.keys(columns);
  const select = Object.entries(columns).map(([name, expr]) => `    ${expr} AS ${name}`);
  return `-- keyshift usage: what each access key did, aggregated (columns: ${AGGREGATE_COLUMNS.join(', ')})
WITH calls AS (
  SELECT
${select.join(',\n')},
    eventtime
  FROM ${table}${where.length > 0 ? `\n  WHERE ${where.join('\n    AND ')}` : ''}
)
SELECT
  ${grouped.join(',\n  ')},
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen,
  count(*) AS calls
FROM calls
GROUP BY
  ${grouped.join(',\n  ')}
ORDER BY access_key_id, first_seen
`;
}

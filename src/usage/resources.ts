// Which resources a CloudTrail record's call touched, as IAM resource ARNs or ARN patterns, read
// from requestParameters (and the record's `resources` list where a service fills it): S3
// buckets and object prefixes, CloudWatch Logs groups, ECR repositories, DynamoDB tables and
// indexes, SQS queues, SNS topics, KMS keys, Secrets Manager secrets, SSM parameters, Lambda
// functions, roles assumed. '*' when the record names none.
//
// The account of an ARN built from a bare name is the record's recipientAccountId (the account
// whose trail recorded it), which is the resource owner for calls inside one account; names
// given as ARNs or URLs (queue URLs, topic ARNs, cross-account table ARNs) keep their own.
import type { CloudTrailEvent } from './cloudtrail-event.js';

export interface ArnContext {
  partition: string;
  region: string;
  account: string;
}

/** The partition of a region: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

export function arnContext(event: CloudTrailEvent): ArnContext {
  const account = event.recipientAccountId ?? event.userIdentity.accountId;
  return { partition: partitionOf(event.awsRegion), region: event.awsRegion, account: typeof account === 'string' && account !== '' ? account : '*' };
}

// --- S3 object keys -> prefixes ----------------------------------------------------------------
//
// A workload that writes reports/daily/2024-05-01/out.csv needs reports/daily/*, not one
// statement per object. The rule, applied to an object key:
//   1. the last path segment (the object's own name) is never kept;
//   2. of the folders before it, at most S3_PREFIX_MAX_FOLDERS are kept, from the start;
//   3. keeping stops earlier at the first folder that looks generated: it contains a run of 4
//      or more digits (years, dates, timestamps, dt=2024-05-01, ids), is all digits, is a UUID
//      or a hex string of 12+ characters with a digit in it, is empty (a//b), or contains a
//      character IAM reads as a wildcard or variable (* ? $);
//   4. the prefix ends with '*'.
// reports/daily/2024-05-01/out.csv -> reports/daily/*;  a.txt -> *;  a/b/c/d/e.txt -> a/b/c/*;
// uploads/3f2a8c1e-…/img.png -> uploads/*;  logs/app/17/x -> logs/app/*.
export const S3_PREFIX_MAX_FOLDERS = 3;

// one pattern for all the tests of rule 3 (it runs for every object a trail records): a run of
// 4+ digits; all digits; a hex run of 12+ with a digit (covers UUIDs, hashes, hex ids); * ? $
const GENERATED_SEGMENT = /\d{4}|^\d+$|(?=[0-9a-f]*\d)[0-9a-f]{12}|[*?$]/i;

function looksGenerated(segment: string): boolean {
  return segment === '' || GENERATED_SEGMENT.test(segment);
}

/** The generalised prefix pattern of an object key (see the rule above), ending in '*'. */
export function s3KeyPattern(key: string): string {
  let end = 0; // the kept prefix is key.slice(0, end), always ending before a '/'
  let start = 0;
  for (let kept = 0; kept < S3_PREFIX_MAX_FOLDERS; kept++) {
    const slash = key.indexOf('/', start);
    if (slash < 0 || looksGenerated(key.slice(start, slash))) break;
    end = slash;
    start = slash + 1;
  }
  return end === 0 ? '*' : `${key.slice(0, end)}/*`;
}

export function s3BucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** The object ARN pattern for a key (generalised), or every object of the bucket when the key is unknown. */
export function s3ObjectArn(partition: string, bucket: string, key: string | undefined): string {
  return `${s3BucketArn(partition, bucket)}/${key === undefined ? '*' : s3KeyPattern(key)}`;
}

/** S3 actions on objects (their resource is an object ARN); the rest act on buckets or the account. */
const S3_OBJECT_ACTION = /^(?:(?:Get|Put|Delete|Restore|Replicate)Object|AbortMultipartUpload$|ListMultipartUploadParts$)/;

const s3ObjectActions = new Map<string, boolean>();

/** Whether an S3 action's resource is an object (remembered per action name: there are a few dozen). */
export function isS3ObjectAction(action: string): boolean {
  let known = s3ObjectActions.get(action);
  if (known === undefined) {
    known = S3_OBJECT_ACTION.test(action);
    if (s3ObjectActions.size < 1000) s3ObjectActions.set(action, known);
  }
  return known;
}

/** CopyObject's x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, maybe with ?versionId=. */
export function s3CopySource(copySource: string): { bucket: string; key: string; versionId: string | null } | null {
  let s = copySource.startsWith('/') ? copySource.slice(1) : copySource;
  let versionId: string | null = null;
  const q = s.indexOf('?versionId=');
  if (q >= 0) {
    versionId = s.slice(q + '?versionId='.length);
    s = s.slice(0, q);
  }
  try {
    s = decodeURIComponent(s);
  } catch {
    // not URL-encoded after all: use it as written
  }
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) return null;
  return { bucket: s.slice(0, slash), key: s.slice(slash + 1), versionId };
}

// --- per service -----------------------------------------------------------------------------

type Params = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

function s3Resources(action: string, p: Params, ctx: ArnContext): string[] {
  const bucket = str(p.bucketName) ?? str(p.bucket);
  if (action === 'ListAllMyBuckets' || bucket === undefined) return [];
  return [isS3ObjectAction(action) ? s3ObjectArn(ctx.partition, bucket, str(p.key)) : s3BucketArn(ctx.partition, bucket)];
}

function logsResources(p: Params, ctx: ArnContext): string[] {
  const identifier = str(p.logGroupIdentifier);
  if (identifier?.startsWith('arn:')) return [identifier.replace(/:\*$/, '')];
  const group = str(p.logGroupName) ?? identifier;
  if (group === undefined) return [];
  const groupArn = `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${group}`;
  // stream names are usually generated (instance ids, dates): any stream of the group
  return [str(p.logStreamName) !== undefined ? `${groupArn}:log-stream:*` : groupArn];
}

function ecrResources(p: Params, ctx: ArnContext): string[] {
  const repo = str(p.repositoryName);
  if (repo === undefined) return [];
  return [`arn:${ctx.partition}:ecr:${ctx.region}:${str(p.registryId) ?? ctx.account}:repository/${repo}`];
}

/** A DynamoDB table given by name or ARN. */
export function dynamodbTableArn(table: string, ctx: ArnContext): string {
  return table.startsWith('arn:') ? table : `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.account}:table/${table}`;
}

/** Tables named in BatchGetItem / BatchWriteItem requestItems, whichever way the record spells them. */
function requestItemTables(items: unknown): string[] {
  if (Array.isArray(items)) return items.map((i) => str((i as Params | null)?.tableName)).filter((t): t is string => t !== undefined);
  if (typeof items === 'object' && items !== null) return Object.keys(items);
  return [];
}

function dynamodbResources(p: Params, ctx: ArnContext): string[] {
  const stream = str(p.streamArn);
  if (stream !== undefined) return [stream.replace(/\/stream\/[^/]+$/, '/stream/*')];
  const table = str(p.tableName) ?? str(p.tableArn) ?? str(p.resourceArn);
  if (table !== undefined) {
    const arn = dynamodbTableArn(table, ctx);
    const index = str(p.indexName);
    return [index !== undefined ? `${arn}/index/${index}` : arn];
  }
  return [...new Set(requestItemTables(p.requestItems))].map((t) => dynamodbTableArn(t, ctx));
}

/** https://sqs.us-east-1.amazonaws.com/123456789012/name (or the legacy queue.amazonaws.com hosts) -> arn:aws:sqs:us-east-1:123456789012:name */
const QUEUE_URL = /^https?:\/\/([^/]+)\/(\d{12})\/([^/?#]+)\/?(?:[?#].*)?$/;

export function sqsQueueArn(queueUrl: string, ctx: ArnContext): string | null {
  const m = QUEUE_URL.exec(queueUrl);
  if (m === null) return null;
  const [, host, account, name] = m as unknown as [string, string, string, string];
  const region = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(host)?.[1] ?? ctx.region;
  return `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`;
}

function sqsResources(p: Params, ctx: ArnContext): string[] {
  const url = str(p.queueUrl);
  if (url !== undefined) {
    const arn = sqsQueueArn(url, ctx);
    return arn === null ? [] : [arn];
  }
  const name = str(p.queueName);
  return name === undefined ? [] : [`arn:${ctx.partition}:sqs:${ctx.region}:${str(p.queueOwnerAWSAccountId) ?? ctx.account}:${name}`];
}

function snsResources(p: Params, ctx: ArnContext): string[] {
  const arn = str(p.topicArn) ?? str(p.targetArn) ?? str(p.resourceArn);
  if (arn !== undefined) return [arn];
  const subscription = str(p.subscriptionArn);
  // a subscription ARN is its topic's ARN and an id
  if (subscription !== undefined && subscription.split(':').length === 7) return [subscription.slice(0, subscription.lastIndexOf(':'))];
  const name = str(p.name);
  return name === undefined ? [] : [`arn:${ctx.partition}:sns:${ctx.region}:${ctx.account}:${name}`];
}

/** A KMS key given as an ARN, alias name, alias ARN or key ID. */
export function kmsKeyArn(keyId: string, ctx: ArnContext): string {
  if (keyId.startsWith('arn:')) return keyId;
  if (keyId.startsWith('alias/')) return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:${keyId}`;
  return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:key/${keyId}`;
}

function kmsResources(event: CloudTrailEvent, p: Params, ctx: ArnContext): string[] {
  // CloudTrail resolves aliases to the key in `resources`; permissions are on the key
  const fromRecord = recordResourceArns(event).filter((arn) => arn.includes(':key/'));
  if (fromRecord.length > 0) return [...new Set(fromRecord)];
  const keyId = str(p.keyId);
  return keyId === undefined ? [] : [kmsKeyArn(keyId, ctx)];
}

/** A secret named by ARN keeps it; by name, any of its ARNs (AWS appends a hyphen and six random characters). */
export function secretArn(secretId: string, ctx: ArnContext): string {
  return secretId.startsWith('arn:') ? secretId : `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${secretId}-??????`;
}

function secretsManagerResources(p: Params, ctx: ArnContext): string[] {
  const ids = [str(p.secretId), str(p.name), ...strings(p.secretIdList)].filter((s): s is string => s !== undefined);
  return [...new Set(ids)].map((id) => secretArn(id, ctx));
}

export function ssmParameterArn(name: string, ctx: ArnContext): string {
  if (name.startsWith('arn:')) return name;
  return `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

function ssmResources(action: string, p: Params, ctx: ArnContext): string[] {
  if (!action.includes('Parameter')) return [];
  const path = str(p.path);
  // GetParametersByPath is authorised on the path; the '*' also covers the parameters below it
  if (path !== undefined) return [`${ssmParameterArn(path.replace(/\/+$/, '') || '/', ctx)}*`];
  const names = [str(p.name), ...strings(p.names)].filter((s): s is string => s !== undefined);
  return [...new Set(names)].map((n) => ssmParameterArn(n, ctx));
}

function lambdaResources(p: Params, ctx: ArnContext): string[] {
  const fn = str(p.functionName);
  if (fn === undefined) return [];
  if (fn.startsWith('arn:')) return [fn];
  // "name", "name:qualifier" or "123456789012:function:name"
  const parts = fn.split(':');
  const name = parts.length >= 3 ? parts[2]! : parts[0]!;
  const account = parts.length >= 3 ? parts[0]! : ctx.account;
  return [`arn:${ctx.partition}:lambda:${ctx.region}:${account}:function:${name}`];
}

function stsResources(action: string, p: Params, ctx: ArnContext): string[] {
  if (action === 'AssumeRole' || action === 'TagSession') {
    const role = str(p.roleArn);
    return role === undefined ? [] : [role];
  }
  if (action === 'GetFederationToken') {
    const name = str(p.name);
    return name === undefined ? [] : [`arn:${ctx.partition}:sts::${ctx.account}:federated-user/${name}`];
  }
  return [];
}

function iamResources(p: Params, ctx: ArnContext): string[] {
  const arn = str(p.policyArn) ?? str(p.roleArn);
  if (arn !== undefined) return [arn];
  const iam = `arn:${ctx.partition}:iam::${ctx.account}`;
  const role = str(p.roleName);
  if (role !== undefined) return [`${iam}:role/${role}`];
  const user = str(p.userName);
  if (user !== undefined) return [`${iam}:user/${user}`];
  const group = str(p.groupName);
  if (group !== undefined) return [`${iam}:group/${group}`];
  const profile = str(p.instanceProfileName);
  return profile === undefined ? [] : [`${iam}:instance-profile/${profile}`];
}

function recordResourceArns(event: CloudTrailEvent): string[] {
  if (!Array.isArray(event.resources)) return [];
  const arns: string[] = [];
  for (const r of event.resources) {
    const arn = (r as { ARN?: unknown } | null)?.ARN;
    if (typeof arn === 'string' && arn.startsWith('arn:')) arns.push(arn);
  }
  return arns;
}

function serviceResources(event: CloudTrailEvent, service: string, action: string, p: Params, ctx: ArnContext): string[] | null {
  switch (service) {
    case 's3':
      return s3Resources(action, p, ctx);
    case 'logs':
      return logsResources(p, ctx);
    case 'ecr':
      return ecrResources(p, ctx);
    case 'dynamodb':
      return dynamodbResources(p, ctx);
    case 'sqs':
      return sqsResources(p, ctx);
    case 'sns':
      return snsResources(p, ctx);
    case 'kms':
      return kmsResources(event, p, ctx);
    case 'secretsmanager':
      return secretsManagerResources(p, ctx);
    case 'ssm':
      return ssmResources(action, p, ctx);
    case 'lambda':
      return lambdaResources(p, ctx);
    case 'sts':
      return stsResources(action, p, ctx);
    case 'iam':
      return iamResources(p, ctx);
    default:
      return null;
  }
}

/**
 * The resources one IAM action of a record applies to; ['*'] when the record names none.
 * `service` and `action` are the IAM service prefix and action name (s3, GetObject).
 */
export function resourcesFor(event: CloudTrailEvent, service: string, action: string): string[] {
  const p = typeof event.requestParameters === 'object' && event.requestParameters !== null ? event.requestParameters : {};
  const known = serviceResources(event, service, action, p, arnContext(event));
  const arns = known ?? [...new Set(recordResourceArns(event))];
  return arns.length === 0 ? ['*'] : arns;
}

// Which resources a CloudTrail record's call touched, as IAM resource ARNs or ARN patterns, read
// from requestParameters (and the record's `resources` list where a service fills it): S3
// buckets and object prefixes, CloudWatch Logs groups, ECR repositories, DynamoDB tables and
// indexes, SQS queues, SNS topics, KMS keys, Secrets Manager secrets, SSM parameters, Lambda
// functions, roles assumed. '*' when the record names none.
//
// The account of an ARN built from a bare name is the record's recipientAccountId (the account
// whose trail recorded it), which is the resource owner for calls inside one account; names
// given as ARNs or URLs (queue URLs, topic ARNs, cross-account table ARNs) keep their own.
//
// Millions of records pass through here, so the way to a record's resources is chosen once per
// (service, action) (resourceResolver), and a resolver returns its one resource as a string,
// not an array, in the common case.
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

/** More entries than this in one of the caches below means hostile or unusual input: the cache starts over rather than grow. */
const CACHE_LIMIT = 4096;

/**
 * Names -> ARNs, each built once: records name the same buckets, tables and keys millions of
 * times, and handing out the same string object each time lets the aggregator's tallies find it
 * by identity, instead of joining, flattening and hashing a new string per record.
 */
class ArnTable {
  private readonly arns = new Map<string, string>();

  /** `base`: what build is given besides the name and the context (an object table's bucket ARN) */
  constructor(private readonly base = '') {}

  get(name: string, ctx: ArnContext, build: (name: string, ctx: ArnContext, base: string) => string): string {
    let arn = this.arns.get(name);
    if (arn === undefined) {
      if (this.arns.size >= CACHE_LIMIT) this.arns.clear();
      arn = build(name, ctx, this.base);
      this.arns.set(name, arn);
    }
    return arn;
  }
}

/** The ARN context the resolvers below are given: one object per (region, account), with its ARN tables. */
export class ResolverContext implements ArnContext {
  readonly partition: string;
  readonly s3Buckets = new ArnTable();
  /** bucket -> kept key prefix -> object ARN pattern */
  readonly s3Objects = new Map<string, ArnTable>();
  readonly tables = new ArnTable();
  readonly keys = new ArnTable();
  readonly secrets = new ArnTable();
  readonly parameters = new ArnTable();
  readonly functions = new ArnTable();

  constructor(
    readonly region: string,
    readonly account: string,
  ) {
    this.partition = partitionOf(region);
  }
}

// records come in runs of one region and account: the last context is checked first
const contexts = new Map<string, Map<string, ResolverContext>>();
let contextCount = 0;
let lastContext = new ResolverContext('', '');

function contextOf(region: string, account: unknown): ResolverContext {
  const acct = typeof account === 'string' && account !== '' ? account : '*';
  const last = lastContext;
  if (last.region === region && last.account === acct) return last;
  let byAccount = contexts.get(region);
  if (byAccount === undefined) {
    if (contextCount >= CACHE_LIMIT) {
      contexts.clear();
      contextCount = 0;
    }
    byAccount = new Map();
    contexts.set(region, byAccount);
  }
  let ctx = byAccount.get(acct);
  if (ctx === undefined) {
    ctx = new ResolverContext(region, acct);
    byAccount.set(acct, ctx);
    contextCount++;
  }
  return (lastContext = ctx);
}

/** The ARN context of a region and an account (given as the record has them; '*' when there is none). */
export function arnContextOf(region: string, account: unknown): ArnContext {
  return contextOf(region, account);
}

export function arnContext(event: CloudTrailEvent): ArnContext {
  return contextOf(event.awsRegion, event.recipientAccountId ?? event.userIdentity.accountId);
}

/** The context resolvers are given (arnContext, with the ARN tables). */
export function resolverContext(event: CloudTrailEvent): ResolverContext {
  return contextOf(event.awsRegion, event.recipientAccountId ?? event.userIdentity.accountId);
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

const CHAR_0 = 48;
const CHAR_9 = 57;

function isHexLetter(c: number): boolean {
  return (c >= 97 && c <= 102) || (c >= 65 && c <= 70); // a-f, A-F
}

/**
 * Rule 3 for key.slice(start, end), read in one pass without a slice (it runs for every object a
 * trail records): empty; a run of 4+ digits; all digits; a hex run of 12+ with a digit in it
 * (UUIDs, hashes, hex ids); * ? $.
 */
function looksGenerated(key: string, start: number, end: number): boolean {
  if (start === end) return true;
  let digitRun = 0;
  let hexRun = 0;
  let hexRunHasDigit = false;
  let allDigits = true;
  for (let i = start; i < end; i++) {
    const c = key.charCodeAt(i);
    if (c >= CHAR_0 && c <= CHAR_9) {
      if (++digitRun >= 4) return true;
      hexRun++;
      hexRunHasDigit = true;
    } else {
      digitRun = 0;
      allDigits = false;
      if (isHexLetter(c)) hexRun++;
      else {
        if (c === 42 || c === 63 || c === 36) return true; // * ? $
        hexRun = 0;
        hexRunHasDigit = false;
      }
    }
    if (hexRun >= 12 && hexRunHasDigit) return true;
  }
  // a hex run counts once it has 12 characters and a digit, wherever the digit is in the run
  return allDigits;
}

/** The length of the prefix of an object key the rule above keeps (0: none), which always ends before a '/'. */
function keptPrefixLength(key: string): number {
  let end = 0;
  let start = 0;
  for (let kept = 0; kept < S3_PREFIX_MAX_FOLDERS; kept++) {
    const slash = key.indexOf('/', start);
    if (slash < 0 || looksGenerated(key, start, slash)) break;
    end = slash;
    start = slash + 1;
  }
  return end;
}

/** The generalised prefix pattern of an object key (see the rule above), ending in '*'. */
export function s3KeyPattern(key: string): string {
  const end = keptPrefixLength(key);
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

/** A record's resources for one action: one ARN, several, or null when the record names none ('*'). */
export type ResourceArns = string | readonly string[] | null;

/** Finds one action's resources in a record; chosen once per (service, action) by resourceResolver. */
export type ResourceResolver = (p: Params, ctx: ResolverContext, event: CloudTrailEvent) => ResourceArns;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** A list as resolvers return it: null when empty, its one value, or the list. */
function oneOrMany(values: string[]): ResourceArns {
  return values.length < 2 ? (values[0] ?? null) : values;
}

const NONE: ResourceResolver = () => null;

const s3Bucket = (p: Params) => str(p.bucketName) ?? str(p.bucket);

const buildBucketArn = (bucket: string, ctx: ArnContext) => s3BucketArn(ctx.partition, bucket);
const buildObjectsArn = (prefix: string, _ctx: ArnContext, bucketArn: string) => `${bucketArn}/${prefix === '' ? '' : `${prefix}/`}*`;

const s3ObjectResources: ResourceResolver = (p, ctx) => {
  const bucket = s3Bucket(p);
  if (bucket === undefined) return null;
  const key = str(p.key);
  const prefix = key === undefined ? '' : key.slice(0, keptPrefixLength(key));
  let objects = ctx.s3Objects.get(bucket);
  if (objects === undefined) {
    if (ctx.s3Objects.size >= CACHE_LIMIT) ctx.s3Objects.clear();
    objects = new ArnTable(s3BucketArn(ctx.partition, bucket));
    ctx.s3Objects.set(bucket, objects);
  }
  return objects.get(prefix, ctx, buildObjectsArn);
};

const s3BucketResources: ResourceResolver = (p, ctx) => {
  const bucket = s3Bucket(p);
  return bucket === undefined ? null : ctx.s3Buckets.get(bucket, ctx, buildBucketArn);
};

const logsResources: ResourceResolver = (p, ctx) => {
  const identifier = str(p.logGroupIdentifier);
  if (identifier?.startsWith('arn:')) return identifier.replace(/:\*$/, '');
  const group = str(p.logGroupName) ?? identifier;
  if (group === undefined) return null;
  const groupArn = `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${group}`;
  // stream names are usually generated (instance ids, dates): any stream of the group
  return str(p.logStreamName) !== undefined ? `${groupArn}:log-stream:*` : groupArn;
};

const ecrResources: ResourceResolver = (p, ctx) => {
  const repo = str(p.repositoryName);
  if (repo === undefined) return null;
  return `arn:${ctx.partition}:ecr:${ctx.region}:${str(p.registryId) ?? ctx.account}:repository/${repo}`;
};

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

const dynamodbResources: ResourceResolver = (p, ctx) => {
  const stream = str(p.streamArn);
  if (stream !== undefined) return stream.replace(/\/stream\/[^/]+$/, '/stream/*');
  const table = str(p.tableName) ?? str(p.tableArn) ?? str(p.resourceArn);
  if (table !== undefined) {
    const arn = ctx.tables.get(table, ctx, dynamodbTableArn);
    const index = str(p.indexName);
    return index !== undefined ? `${arn}/index/${index}` : arn;
  }
  return oneOrMany([...new Set(requestItemTables(p.requestItems))].map((t) => dynamodbTableArn(t, ctx)));
};

/** https://sqs.us-east-1.amazonaws.com/123456789012/name (or the legacy queue.amazonaws.com hosts) -> arn:aws:sqs:us-east-1:123456789012:name */
const QUEUE_URL = /^https?:\/\/([^/]+)\/(\d{12})\/([^/?#]+)\/?(?:[?#].*)?$/;

interface QueueUrlParts {
  /** the region in the host name; null when the host names none (the record's region is used) */
  region: string | null;
  account: string;
  name: string;
  /** the ARN, when the host names the region */
  arn: string | null;
}

/** Queue URLs repeat endlessly: each is taken apart once (the three patterns cost more than a lookup). Cleared when full. */
const queueUrls = new Map<string, QueueUrlParts | null>();
const QUEUE_URLS_LIMIT = 10_000;

function queueUrlParts(queueUrl: string): QueueUrlParts | null {
  let parts = queueUrls.get(queueUrl);
  if (parts !== undefined) return parts;
  const m = QUEUE_URL.exec(queueUrl);
  if (m === null) parts = null;
  else {
    const [, host, account, name] = m as unknown as [string, string, string, string];
    const region = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(host)?.[1] ?? null;
    parts = { region, account, name, arn: region === null ? null : `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}` };
  }
  if (queueUrls.size >= QUEUE_URLS_LIMIT) queueUrls.clear();
  queueUrls.set(queueUrl, parts);
  return parts;
}

export function sqsQueueArn(queueUrl: string, ctx: ArnContext): string | null {
  const parts = queueUrlParts(queueUrl);
  if (parts === null) return null;
  return parts.arn ?? `arn:${partitionOf(ctx.region)}:sqs:${ctx.region}:${parts.account}:${parts.name}`;
}

const sqsResources: ResourceResolver = (p, ctx) => {
  const url = str(p.queueUrl);
  if (url !== undefined) return sqsQueueArn(url, ctx);
  const name = str(p.queueName);
  return name === undefined ? null : `arn:${ctx.partition}:sqs:${ctx.region}:${str(p.queueOwnerAWSAccountId) ?? ctx.account}:${name}`;
};

const snsResources: ResourceResolver = (p, ctx) => {
  const arn = str(p.topicArn) ?? str(p.targetArn) ?? str(p.resourceArn);
  if (arn !== undefined) return arn;
  const subscription = str(p.subscriptionArn);
  // a subscription ARN is its topic's ARN and an id
  if (subscription !== undefined && subscription.split(':').length === 7) return subscription.slice(0, subscription.lastIndexOf(':'));
  const name = str(p.name);
  return name === undefined ? null : `arn:${ctx.partition}:sns:${ctx.region}:${ctx.account}:${name}`;
};

/** A KMS key given as an ARN, alias name, alias ARN or key ID. */
export function kmsKeyArn(keyId: string, ctx: ArnContext): string {
  if (keyId.startsWith('arn:')) return keyId;
  if (keyId.startsWith('alias/')) return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:${keyId}`;
  return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:key/${keyId}`;
}

/** The ARNs in a record's `resources` list, distinct; `only` keeps those containing it. */
function recordResourceArns(event: CloudTrailEvent, only?: string): ResourceArns {
  const resources: unknown = event.resources;
  if (!Array.isArray(resources)) return null;
  let one: string | null = null;
  let many: string[] | null = null;
  for (const r of resources) {
    const arn = (r as { ARN?: unknown } | null)?.ARN;
    if (typeof arn !== 'string' || !arn.startsWith('arn:') || (only !== undefined && !arn.includes(only))) continue;
    if (one === null) one = arn;
    else if (arn !== one) (many ??= [one]).push(arn);
  }
  return many === null ? one : [...new Set(many)];
}

const kmsResources: ResourceResolver = (p, ctx, event) => {
  // CloudTrail resolves aliases to the key in `resources`; permissions are on the key
  const fromRecord = recordResourceArns(event, ':key/');
  if (fromRecord !== null) return fromRecord;
  const keyId = str(p.keyId);
  return keyId === undefined ? null : ctx.keys.get(keyId, ctx, kmsKeyArn);
};

/** A secret named by ARN keeps it; by name, any of its ARNs (AWS appends a hyphen and six random characters). */
export function secretArn(secretId: string, ctx: ArnContext): string {
  return secretId.startsWith('arn:') ? secretId : `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${secretId}-??????`;
}

const secretsManagerResources: ResourceResolver = (p, ctx) => {
  const secretId = str(p.secretId);
  const name = str(p.name);
  // the usual record names one secret
  if (p.secretIdList === undefined && (name === undefined || secretId === undefined || name === secretId)) {
    const id = secretId ?? name;
    return id === undefined ? null : ctx.secrets.get(id, ctx, secretArn);
  }
  const ids = [secretId, name, ...strings(p.secretIdList)].filter((s): s is string => s !== undefined);
  return oneOrMany([...new Set(ids)].map((id) => secretArn(id, ctx)));
};

export function ssmParameterArn(name: string, ctx: ArnContext): string {
  if (name.startsWith('arn:')) return name;
  return `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

const ssmParameterResources: ResourceResolver = (p, ctx) => {
  const path = str(p.path);
  // GetParametersByPath is authorised on the path; the '*' also covers the parameters below it
  if (path !== undefined) return `${ssmParameterArn(path.replace(/\/+$/, '') || '/', ctx)}*`;
  const name = str(p.name);
  if (p.names === undefined) return name === undefined ? null : ctx.parameters.get(name, ctx, ssmParameterArn);
  const names = [name, ...strings(p.names)].filter((s): s is string => s !== undefined);
  return oneOrMany([...new Set(names)].map((n) => ssmParameterArn(n, ctx)));
};

function lambdaFunctionArn(fn: string, ctx: ArnContext): string {
  if (fn.startsWith('arn:')) return fn;
  // "name", "name:qualifier" or "123456789012:function:name"
  const parts = fn.split(':');
  const name = parts.length >= 3 ? parts[2]! : parts[0]!;
  const account = parts.length >= 3 ? parts[0]! : ctx.account;
  return `arn:${ctx.partition}:lambda:${ctx.region}:${account}:function:${name}`;
}

const lambdaResources: ResourceResolver = (p, ctx) => {
  const fn = str(p.functionName);
  return fn === undefined ? null : ctx.functions.get(fn, ctx, lambdaFunctionArn);
};

const stsRoleResources: ResourceResolver = (p) => str(p.roleArn) ?? null;

const stsFederatedUserResources: ResourceResolver = (p, ctx) => {
  const name = str(p.name);
  return name === undefined ? null : `arn:${ctx.partition}:sts::${ctx.account}:federated-user/${name}`;
};

const iamResources: ResourceResolver = (p, ctx) => {
  const arn = str(p.policyArn) ?? str(p.roleArn);
  if (arn !== undefined) return arn;
  const iam = `arn:${ctx.partition}:iam::${ctx.account}`;
  const role = str(p.roleName);
  if (role !== undefined) return `${iam}:role/${role}`;
  const user = str(p.userName);
  if (user !== undefined) return `${iam}:user/${user}`;
  const group = str(p.groupName);
  if (group !== undefined) return `${iam}:group/${group}`;
  const profile = str(p.instanceProfileName);
  return profile === undefined ? null : `${iam}:instance-profile/${profile}`;
};

/** Services this file knows nothing about: the record's own `resources` list. */
const recordResources: ResourceResolver = (_p, _ctx, event) => recordResourceArns(event);

/**
 * How to find the resources of one IAM action (service prefix and action name: s3, GetObject)
 * in a record. Pure: callers may keep the result for every record of that action.
 */
export function resourceResolver(service: string, action: string): ResourceResolver {
  switch (service) {
    case 's3':
      if (action === 'ListAllMyBuckets') return NONE;
      return isS3ObjectAction(action) ? s3ObjectResources : s3BucketResources;
    case 'logs':
      return logsResources;
    case 'ecr':
      return ecrResources;
    case 'dynamodb':
      return dynamodbResources;
    case 'sqs':
      return sqsResources;
    case 'sns':
      return snsResources;
    case 'kms':
      return kmsResources;
    case 'secretsmanager':
      return secretsManagerResources;
    case 'ssm':
      return action.includes('Parameter') ? ssmParameterResources : NONE;
    case 'lambda':
      return lambdaResources;
    case 'sts':
      if (action === 'AssumeRole' || action === 'TagSession') return stsRoleResources;
      return action === 'GetFederationToken' ? stsFederatedUserResources : NONE;
    case 'iam':
      return iamResources;
    default:
      return recordResources;
  }
}

const NO_PARAMETERS: Params = {};

/** A record's request parameters, or an empty object when it has none. */
export function requestParametersOf(event: CloudTrailEvent): Params {
  const p = event.requestParameters;
  return typeof p === 'object' && p !== null ? p : NO_PARAMETERS;
}

/**
 * The resources one IAM action of a record applies to; ['*'] when the record names none.
 * `service` and `action` are the IAM service prefix and action name (s3, GetObject).
 */
export function resourcesFor(event: CloudTrailEvent, service: string, action: string): string[] {
  const arns = resourceResolver(service, action)(requestParametersOf(event), resolverContext(event), event);
  if (arns === null) return ['*'];
  return typeof arns === 'string' ? [arns] : [...arns];
}

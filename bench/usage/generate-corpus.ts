// Generates the CloudTrail corpus of the `keyshift usage` benchmark (never committed): gzipped
// log files in the S3 delivery layout, named as CloudTrail names them,
//   bench/corpus/usage-<size>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
//     <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz      ({"Records":[…]})
// and a manifest with the counts and the ground truth (which IAM actions the keys used),
//   bench/corpus/usage-<size>.manifest.json
//
//   node --experimental-strip-types bench/usage/generate-corpus.ts [small|large]... [--workers N]
//
// The shape follows the CloudTrail User Guide ("CloudTrail record contents", "userIdentity
// element", the S3, STS and IAM log examples): four accounts, 30 days (October 2026), 50
// long-term access keys of a dozen kinds of workload (web apps, queue workers, nightly backups,
// CI deployers, Terraform, people with the CLI, ETL jobs that assume roles, a monitoring SaaS,
// a security scanner sweeping every region, keys retired mid-month), besides the traffic no
// long-term key makes (instance-profile sessions, AWS services, console users). Calls across
// s3, ec2, iam, sts, dynamodb, sqs, sns, kms, logs, ecr, ssm, secretsmanager, lambda, monitoring
// and cloudformation, with their requestParameters, resources, responseElements (AssumeRole's
// credentials), sources (Elastic IPs, NAT gateways, VPC endpoints with private IPs, offices,
// CI runners, another cloud, AWS services), user agents (aws-cli, boto3, Java, Go, JS SDKs,
// Terraform, browsers), AccessDenied and other errors, readOnly, and data events (S3 objects,
// Lambda invokes, DynamoDB items, SQS messages) only in the accounts whose trail records them.
//
// Deterministic: every random choice comes from a seeded generator, per (size, account,
// region, day), so the same size always gives the same bytes whatever the worker count.
// small ≈ 0.5 million events, large ≈ 2.1 million (4.2x) over the same keys, days and layout.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 0x75736167; // "usag"
/** events aimed at; the result is within a percent or two */
const SIZES: Record<string, number> = { small: 500_000, large: 2_100_000 };
const START = Date.UTC(2026, 9, 1); // 2026-10-01T00:00:00Z
const DAYS = 30;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** CloudTrail delivers a file per account and region every few minutes; one per half hour here */
const WINDOW = 30 * MIN;
const WINDOWS = (DAYS * DAY) / WINDOW;

// ---------------------------------------------------------------- random numbers
class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed | 0; }
  next(): number { // mulberry32
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)] as T; }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  hex(n: number): string { return this.chars('0123456789abcdef', n); }
  uuid(): string { return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`; }
}
function hash32(...parts: (string | number)[]): number { // FNV-1a over the parts
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
  }
  return h >>> 0;
}
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = ALNUM + '+/';
const UPPERHEX = '0123456789ABCDEF';
/** an access key ID, a principal ID (AIDA/AROA) or a temporary key: prefix + 16 base32 */
const awsId = (prefix: string, r: Rng): string => prefix + r.chars(BASE32, 16);
/** the temporary key of session `n` of a principal: the same in every stream that needs it */
const sessionKey = (owner: string, n: number): string => awsId('ASIA', new Rng(hash32('session', owner, n)));

// ---------------------------------------------------------------- the world
const ALL_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
  'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'];
type DataKind = 's3' | 'lambda' | 'dynamodb' | 'sqs';
interface Account {
  name: string;
  id: string;
  regions: Record<string, number>;
  /** data events the account's trail records (most trails record none) */
  dataEvents: ReadonlySet<DataKind>;
  buckets: string[];
  tables: string[];
  queues: string[];
  topics: string[];
  functions: string[];
  secrets: string[];
  params: string[];
  logGroups: string[];
  repos: string[];
  kmsKeys: Record<string, string[]>; // region -> key IDs
  vpce: Record<string, string>; // `${region}/${service}` -> vpce ID
  nat: Record<string, string>; // region -> NAT gateway public IP
  vpcCidr: string; // "10.12"
}

type Pattern = 'steady' | 'business' | 'nightly' | 'hourly' | 'weekly' | 'sporadic' | 'retired';
/** how busy a principal is in window `w` (0 = idle); normalised over the 30 days */
function intensity(pattern: Pattern, w: number, salt: number): number {
  const t = START + w * WINDOW;
  const d = new Date(t);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const dow = d.getUTCDay();
  const day = Math.floor((t - START) / DAY);
  switch (pattern) {
    case 'steady': return 1 + 0.6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + (dow === 0 || dow === 6 ? -0.3 : 0);
    case 'business': return dow >= 1 && dow <= 5 && hour >= 8 && hour < 18 ? 1 : hour === 12 ? 0.05 : 0;
    case 'nightly': return hour >= 1 && hour < 2.5 ? 1 : 0;
    case 'hourly': return d.getUTCMinutes() < 30 ? 1 : 0;
    case 'weekly': return dow === 0 && hour >= 3 && hour < 5 ? 1 : 0;
    case 'sporadic': return hash32('sporadic', salt, day) % 6 === 0 && hour >= 10 && hour < 12 ? 1 : 0;
    case 'retired': return day < 8 + (salt % 10) ? 1 + 0.4 * Math.sin((hour / 24) * 2 * Math.PI) : 0;
  }
}

type Svc = 's3' | 'ec2' | 'iam' | 'sts' | 'dynamodb' | 'sqs' | 'sns' | 'kms' | 'logs' | 'ecr' | 'ssm' | 'secretsmanager' | 'lambda'
  | 'monitoring' | 'cloudformation' | 'signin';
const GLOBAL_SERVICES: ReadonlySet<Svc> = new Set(['iam', 'sts', 'signin']); // recorded in us-east-1
const ENDPOINT_SERVICES: ReadonlySet<Svc> = new Set(['s3', 'dynamodb', 'sqs', 'sns', 'kms', 'secretsmanager', 'ssm', 'logs', 'ecr', 'lambda', 'monitoring', 'sts', 'ec2']);

interface Ctx { r: Rng; a: Account; region: string; p: Profile; t: number }
interface Built {
  req: Record<string, unknown> | null;
  resp?: Record<string, unknown> | null;
  res?: { accountId?: string; type?: string; ARN: string }[];
  extra?: Record<string, unknown>;
}
interface Op {
  svc: Svc;
  name: string;
  ro: boolean;
  data?: DataKind;
  /** the IAM actions the call needs (ground truth; [] when none) */
  iam: string[];
  w: number;
  build: (c: Ctx) => Built;
  /** the AWS service that makes the call on the caller's behalf (KMS for S3 SSE-KMS) */
  via?: string;
}

// ---- resource helpers
const bucketArn = (b: string) => `arn:aws:s3:::${b}`;
function s3Key(c: Ctx, bucket: string): string {
  const { r } = c;
  const d = new Date(c.t).toISOString();
  const [y, m, dd, hh] = [d.slice(0, 4), d.slice(5, 7), d.slice(8, 10), d.slice(11, 13)];
  if (bucket.includes('backup')) return `backups/${r.pick(['postgres', 'mysql', 'redis', 'etc'])}/${y}/${m}/${dd}/${r.pick(['db-01', 'db-02', 'cache-01'])}-${r.hex(8)}.tar.gz`;
  if (bucket.includes('artifact')) return `builds/${r.pick(['web', 'worker', 'thumbnailer', 'api'])}/${r.hex(12)}/${r.pick(['app.zip', 'bundle.tar.gz', 'manifest.json', 'sbom.json'])}`;
  if (bucket.includes('lake')) return `raw/${r.pick(['orders', 'clicks', 'payments', 'inventory'])}/year=${y}/month=${m}/day=${dd}/hour=${hh}/part-${String(r.int(400)).padStart(5, '0')}-${r.uuid()}.snappy.parquet`;
  if (bucket.includes('log')) return `AWSLogs/${c.a.id}/elasticloadbalancing/${c.region}/${y}/${m}/${dd}/${c.a.id}_elb_${r.hex(16)}.log.gz`;
  return `${r.pick(['uploads', 'media', 'static', 'exports'])}/${r.pick(['images', 'docs', 'avatars'])}/${r.int(90000) + 10000}/${r.chars(ALNUM, 22)}.${r.pick(['jpg', 'png', 'pdf', 'webp'])}`;
}
function s3Host(bucket: string, region: string) { return `${bucket}.s3.${region}.amazonaws.com`; }
function s3Object(name: string, iam: string[], ro: boolean, w: number, extraReq: (c: Ctx, bucket: string) => Record<string, unknown> = () => ({})): Op {
  return {
    svc: 's3', name, ro, data: 's3', iam, w,
    build: (c) => {
      const bucket = c.r.pick(c.p.buckets);
      const key = s3Key(c, bucket);
      const size = c.r.range(200, 8_000_000);
      return {
        req: { bucketName: bucket, Host: s3Host(bucket, c.region), key, ...extraReq(c, bucket) },
        resp: ro ? null : { 'x-amz-server-side-encryption': 'AES256', 'x-amz-version-id': c.r.chars(ALNUM + '._', 32) },
        res: [{ type: 'AWS::S3::Object', ARN: `${bucketArn(bucket)}/${key}` }, { accountId: c.a.id, type: 'AWS::S3::Bucket', ARN: bucketArn(bucket) }],
        extra: { additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: ro ? 0 : size, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': c.r.chars(B64, 76), bytesTransferredOut: ro ? size : 0 } },
      };
    },
  };
}
function s3Bucket(name: string, iam: string[], ro: boolean, w: number, data = false, req: (c: Ctx, bucket: string) => Record<string, unknown> = () => ({})): Op {
  return {
    svc: 's3', name, ro, iam, w, ...(data ? { data: 's3' as const } : {}),
    build: (c) => {
      const bucket = c.r.pick(c.p.buckets);
      return {
        req: { bucketName: bucket, Host: s3Host(bucket, c.region), ...req(c, bucket) },
        res: [{ accountId: c.a.id, type: 'AWS::S3::Bucket', ARN: bucketArn(bucket) }],
        extra: { additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': c.r.chars(B64, 76), bytesTransferredOut: c.r.range(100, 5000) } },
      };
    },
  };
}
const simple = (svc: Svc, name: string, ro: boolean, w: number, build: (c: Ctx) => Built = () => ({ req: null }), iam?: string[]): Op =>
  ({ svc, name, ro, w, iam: iam ?? [`${svc === 'monitoring' ? 'cloudwatch' : svc}:${name}`], build });
const table = (c: Ctx) => c.r.pick(c.p.tables);
const tableArn = (c: Ctx, t: string) => `arn:aws:dynamodb:${c.region}:${c.a.id}:table/${t}`;
function ddb(name: string, ro: boolean, w: number, data: boolean, req: (c: Ctx, t: string) => Record<string, unknown>, iam?: string[]): Op {
  return {
    svc: 'dynamodb', name, ro, w, iam: iam ?? [`dynamodb:${name}`], ...(data ? { data: 'dynamodb' as const } : {}),
    build: (c) => { const t = table(c); return { req: { tableName: t, ...req(c, t) }, res: [{ accountId: c.a.id, type: 'AWS::DynamoDB::Table', ARN: tableArn(c, t) }] }; },
  };
}
const itemKey = (c: Ctx) => ({ pk: { S: `${c.r.pick(['ORDER', 'USER', 'SESSION', 'SKU'])}#${c.r.hex(10)}` }, sk: { S: c.r.pick(['META', 'STATUS', `V#${c.r.int(20)}`]) } });
const queueUrl = (c: Ctx) => `https://sqs.${c.region}.amazonaws.com/${c.a.id}/${c.r.pick(c.p.queues)}`;
function sqs(name: string, ro: boolean, w: number, data: boolean, req: (c: Ctx) => Record<string, unknown>, resp?: (c: Ctx) => Record<string, unknown>, iam?: string[]): Op {
  return {
    svc: 'sqs', name, ro, w, iam: iam ?? [`sqs:${name}`], ...(data ? { data: 'sqs' as const } : {}),
    build: (c) => {
      const url = queueUrl(c);
      return { req: { queueUrl: url, ...req(c) }, resp: resp ? resp(c) : null, res: [{ accountId: c.a.id, type: 'AWS::SQS::Queue', ARN: `arn:aws:sqs:${c.region}:${c.a.id}:${url.split('/').pop()}` }] };
    },
  };
}
const kmsKeyArn = (c: Ctx) => `arn:aws:kms:${c.region}:${c.a.id}:key/${c.r.pick(c.a.kmsKeys[c.region] ?? [])}`;
function kms(name: string, ro: boolean, w: number, req: (c: Ctx, key: string) => Record<string, unknown>, via?: string): Op {
  return {
    svc: 'kms', name, ro, w, iam: [`kms:${name}`], ...(via ? { via } : {}),
    build: (c) => { const key = kmsKeyArn(c); return { req: req(c, key), res: [{ accountId: c.a.id, type: 'AWS::KMS::Key', ARN: key }] }; },
  };
}
const encCtx = (c: Ctx) => ({ encryptionContext: { 'aws:s3:arn': `${bucketArn(c.r.pick(c.p.buckets.length ? c.p.buckets : c.a.buckets))}` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
const logGroup = (c: Ctx) => c.r.pick(c.p.logGroups);
const logOp = (name: string, ro: boolean, w: number, req: (c: Ctx, g: string) => Record<string, unknown> = () => ({})): Op =>
  simple('logs', name, ro, w, (c) => { const g = logGroup(c); return { req: { logGroupName: g, ...req(c, g) } }; });
const repo = (c: Ctx) => c.r.pick(c.p.repos);
const ecrOp = (name: string, ro: boolean, w: number, req: (c: Ctx, repo: string) => Record<string, unknown> = () => ({})): Op =>
  simple('ecr', name, ro, w, (c) => {
    const rp = repo(c);
    return { req: { repositoryName: rp, registryId: c.a.id, ...req(c, rp) }, res: [{ accountId: c.a.id, ARN: `arn:aws:ecr:${c.region}:${c.a.id}:repository/${rp}` }] };
  });
const digest = (c: Ctx) => `sha256:${c.r.hex(64)}`;
const fnArn = (c: Ctx) => `arn:aws:lambda:${c.region}:${c.a.id}:function:${c.r.pick(c.p.functions)}`;
const lambdaOp = (name: string, ro: boolean, w: number, req: (c: Ctx) => Record<string, unknown> = () => ({})): Op =>
  simple('lambda', name, ro, w, (c) => ({ req: { functionName: c.r.pick(c.p.functions), ...req(c) } }), [name === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${name.replace(/\d{8}(?:v\d)?$/, '')}`]);
const secretOp = (name: string, ro: boolean, w: number): Op =>
  simple('secretsmanager', name, ro, w, (c) => {
    const s = c.r.pick(c.p.secrets);
    return { req: { secretId: c.r.chance(0.5) ? s : `arn:aws:secretsmanager:${c.region}:${c.a.id}:secret:${s}-${c.r.chars(ALNUM, 6)}` } };
  });
const paramOp = (name: string, ro: boolean, w: number): Op =>
  simple('ssm', name, ro, w, (c) => {
    const pm = c.r.pick(c.p.params);
    if (name === 'GetParametersByPath') return { req: { path: pm.split('/').slice(0, 3).join('/'), recursive: true, withDecryption: true } };
    if (name === 'GetParameters') return { req: { names: [pm, c.r.pick(c.p.params)], withDecryption: true } };
    if (name === 'PutParameter') return { req: { name: pm, type: 'String', overwrite: true } , resp: { version: c.r.range(2, 400), tier: 'Standard' } };
    if (name === 'DescribeParameters') return { req: { maxResults: 50 } };
    return { req: { name: pm, withDecryption: true } };
  });
const ec2 = (name: string, ro: boolean, w: number, req: (c: Ctx) => Record<string, unknown> = () => ({ maxResults: 1000, filterSet: {} })) =>
  simple('ec2', name, ro, w, (c) => ({ req: req(c) }));
const instanceId = (r: Rng) => `i-0${r.hex(16)}`;
const iamOp = (name: string, ro: boolean, w: number, req: (c: Ctx) => Record<string, unknown> = () => ({})) => simple('iam', name, ro, w, (c) => ({ req: req(c) }));
const mon = (name: string, ro: boolean, w: number, req: (c: Ctx) => Record<string, unknown> = () => ({})) => simple('monitoring', name, ro, w, (c) => ({ req: req(c) }));
const callerIdentity: Op = simple('sts', 'GetCallerIdentity', true, 1, () => ({ req: null }), []);

// ---- what each kind of workload calls
const S3_GET = s3Object('GetObject', ['s3:GetObject'], true, 10);
const S3_HEAD = s3Object('HeadObject', ['s3:GetObject'], true, 3);
const S3_PUT = s3Object('PutObject', ['s3:PutObject'], false, 6);
const S3_LIST = s3Bucket('ListObjectsV2', ['s3:ListBucket'], true, 3, true, (c) => ({ 'list-type': '2', prefix: c.r.pick(['uploads/', 'raw/', 'backups/', 'builds/', '']), delimiter: '/', 'max-keys': '1000' }));
const S3_LOCATION = s3Bucket('GetBucketLocation', ['s3:GetBucketLocation'], true, 1, false, () => ({ location: '' }));
const S3_LISTBUCKETS: Op = { svc: 's3', name: 'ListBuckets', ro: true, iam: ['s3:ListAllMyBuckets'], w: 1, build: (c) => ({ req: { Host: `s3.${c.region}.amazonaws.com` } }) };
const OPS: Record<string, Op[]> = {
  web: [
    S3_GET, S3_HEAD, S3_PUT,
    s3Object('CopyObject', ['s3:PutObject', 's3:GetObject'], false, 0.5, (c, b) => ({ 'x-amz-copy-source': `${b}/${s3Key(c, b)}` })),
    ddb('GetItem', true, 14, true, (c) => ({ key: itemKey(c), consistentRead: false })),
    ddb('Query', true, 8, true, (c) => ({ keyConditionExpression: 'pk = :pk', expressionAttributeValues: { ':pk': { S: `USER#${c.r.hex(10)}` } }, limit: 50 })),
    ddb('PutItem', false, 4, true, () => ({ item: { pk: 'HIDDEN_DUE_TO_SECURITY_REASONS' } })),
    ddb('UpdateItem', false, 3, true, (c) => ({ key: itemKey(c), updateExpression: 'SET #s = :s', conditionExpression: 'attribute_exists(pk)' })),
    ddb('DescribeTable', true, 0.3, false, () => ({})),
    sqs('SendMessage', false, 3, true, () => ({ messageBody: 'HIDDEN_DUE_TO_SECURITY_REASONS', delaySeconds: 0 }), (c) => ({ mD5OfMessageBody: c.r.hex(32), messageId: c.r.uuid() })),
    sqs('SendMessageBatch', false, 0.5, true, (c) => ({ entries: [{ id: c.r.hex(8), messageBody: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] }), undefined, ['sqs:SendMessage']),
    simple('sns', 'Publish', false, 1.5, (c) => ({ req: { topicArn: `arn:aws:sns:${c.region}:${c.a.id}:${c.r.pick(c.p.topics)}`, message: 'HIDDEN_DUE_TO_SECURITY_REASONS', messageAttributes: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, resp: { messageId: c.r.uuid() } })),
    secretOp('GetSecretValue', true, 2),
    kms('Decrypt', true, 5, (c) => encCtx(c)),
    kms('GenerateDataKey', true, 1.5, (c, k) => ({ keyId: k, keySpec: 'AES_256', ...encCtx(c) }), 's3.amazonaws.com'),
    paramOp('GetParameter', true, 1.5),
    paramOp('GetParameters', true, 0.5),
    lambdaOp('Invoke', false, 1, (c) => ({ functionName: fnArn(c), invocationType: 'Event' })),
    { ...callerIdentity, w: 0.3 },
  ],
  worker: [
    sqs('ReceiveMessage', true, 14, true, () => ({ maxNumberOfMessages: 10, waitTimeSeconds: 20, attributeNames: ['All'], visibilityTimeout: 120 })),
    sqs('DeleteMessage', false, 6, true, (c) => ({ receiptHandle: c.r.chars(B64, 120) })),
    sqs('DeleteMessageBatch', false, 2, true, (c) => ({ entries: [{ id: c.r.hex(8), receiptHandle: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] }), undefined, ['sqs:DeleteMessage']),
    sqs('ChangeMessageVisibility', false, 1, true, () => ({ receiptHandle: 'HIDDEN_DUE_TO_SECURITY_REASONS', visibilityTimeout: 300 })),
    sqs('GetQueueAttributes', true, 1, false, () => ({ attributeNames: ['ApproximateNumberOfMessages', 'RedrivePolicy'] })),
    sqs('GetQueueUrl', true, 0.3, false, () => ({})),
    S3_GET, S3_PUT,
    ddb('UpdateItem', false, 3, true, (c) => ({ key: itemKey(c), updateExpression: 'SET #s = :s' })),
    logOp('CreateLogStream', false, 0.2, (c) => ({ logStreamName: `worker/${c.r.hex(32)}` })),
    logOp('DescribeLogStreams', true, 0.3, () => ({ orderBy: 'LastEventTime', descending: true, limit: 1 })),
    mon('PutMetricData', false, 1.5, () => ({ namespace: 'Worker', metricData: 'HIDDEN_DUE_TO_SECURITY_REASONS' })),
    kms('Decrypt', true, 2, (c) => encCtx(c)),
  ],
  backup: [
    s3Object('CreateMultipartUpload', ['s3:PutObject'], false, 1),
    s3Object('UploadPart', ['s3:PutObject'], false, 12, (c) => ({ partNumber: String(c.r.range(1, 900)), uploadId: c.r.chars(ALNUM + '._-', 64) })),
    s3Object('CompleteMultipartUpload', ['s3:PutObject'], false, 1, (c) => ({ uploadId: c.r.chars(ALNUM + '._-', 64) })),
    s3Object('AbortMultipartUpload', ['s3:AbortMultipartUpload'], false, 0.05, (c) => ({ uploadId: c.r.chars(ALNUM + '._-', 64) })),
    S3_PUT, S3_LIST, S3_HEAD,
    s3Bucket('DeleteObjects', ['s3:DeleteObject'], false, 0.3, true, () => ({ delete: '', quiet: 'true' })),
    s3Bucket('HeadBucket', ['s3:ListBucket'], true, 0.5),
    S3_LOCATION, S3_LISTBUCKETS,
    ec2('CreateSnapshot', false, 0.4, (c) => ({ volumeId: `vol-0${c.r.hex(16)}`, description: 'nightly backup' })),
    ec2('DescribeSnapshots', true, 0.6, (c) => ({ snapshotSet: {}, ownersSet: { items: [{ owner: c.a.id }] }, maxResults: 1000 })),
    ec2('DeleteSnapshot', false, 0.3, (c) => ({ snapshotId: `snap-0${c.r.hex(16)}` })),
    ec2('CreateTags', false, 0.3, (c) => ({ resourcesSet: { items: [{ resourceId: `snap-0${c.r.hex(16)}` }] }, tagSet: { items: [{ key: 'backup', value: 'nightly' }] } })),
    kms('GenerateDataKey', true, 1, (c, k) => ({ keyId: k, keySpec: 'AES_256', ...encCtx(c) }), 's3.amazonaws.com'),
  ],
  ci: [
    simple('ecr', 'GetAuthorizationToken', true, 3, () => ({ req: null })),
    ecrOp('BatchCheckLayerAvailability', true, 4, (c) => ({ layerDigests: [digest(c), digest(c)] })),
    ecrOp('InitiateLayerUpload', false, 1),
    ecrOp('UploadLayerPart', false, 4, (c) => ({ uploadId: c.r.uuid(), partFirstByte: 0, partLastByte: c.r.range(1000, 20_000_000) })),
    ecrOp('CompleteLayerUpload', false, 1, (c) => ({ uploadId: c.r.uuid(), layerDigests: [digest(c)] })),
    ecrOp('PutImage', false, 1, (c) => ({ imageTag: `git-${c.r.hex(7)}`, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' })),
    ecrOp('BatchGetImage', true, 2, (c) => ({ imageIds: [{ imageTag: 'latest' }, { imageDigest: digest(c) }], acceptedMediaTypes: ['application/vnd.oci.image.manifest.v1+json'] })),
    ecrOp('DescribeImages', true, 1, () => ({ maxResults: 100 })),
    lambdaOp('UpdateFunctionCode20150331v2', false, 0.6, (c) => ({ s3Bucket: c.r.pick(c.p.buckets), s3Key: `builds/lambda/${c.r.hex(12)}.zip`, publish: false })),
    lambdaOp('GetFunction20150331v2', true, 1),
    lambdaOp('PublishVersion20150331', false, 0.3),
    S3_PUT,
    s3Object('GetObject', ['s3:GetObject'], true, 1),
    paramOp('GetParameter', true, 1), paramOp('PutParameter', false, 0.3),
    simple('cloudformation', 'DescribeStacks', true, 1, (c) => ({ req: { stackName: `${c.r.pick(['web', 'worker', 'network'])}-${c.a.name}` } })),
    simple('cloudformation', 'CreateChangeSet', false, 0.2, (c) => ({ req: { stackName: `web-${c.a.name}`, changeSetName: `cs-${c.r.hex(8)}`, capabilities: ['CAPABILITY_IAM'] } })),
    { ...callerIdentity, w: 1 },
  ],
  terraform: [
    ec2('DescribeInstances', true, 2), ec2('DescribeSecurityGroups', true, 2), ec2('DescribeVpcs', true, 1.5), ec2('DescribeSubnets', true, 1.5),
    ec2('DescribeRouteTables', true, 1), ec2('DescribeNatGateways', true, 0.5), ec2('DescribeVpcEndpoints', true, 0.5), ec2('DescribeAddresses', true, 0.5),
    ec2('AuthorizeSecurityGroupIngress', false, 0.1, (c) => ({ groupId: `sg-0${c.r.hex(16)}`, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443 }] } })),
    ec2('CreateTags', false, 0.2, (c) => ({ resourcesSet: { items: [{ resourceId: instanceId(c.r) }] }, tagSet: { items: [{ key: 'ManagedBy', value: 'terraform' }] } })),
    iamOp('GetRole', true, 1.5, (c) => ({ roleName: c.r.pick(['web-instance-role', 'worker-task-role', 'etl-runner', 'lambda-exec']) })),
    iamOp('ListAttachedRolePolicies', true, 1, (c) => ({ roleName: c.r.pick(['web-instance-role', 'worker-task-role']) })),
    iamOp('GetPolicy', true, 1, (c) => ({ policyArn: `arn:aws:iam::${c.a.id}:policy/${c.r.pick(['s3-assets-rw', 'sqs-orders', 'read-secrets'])}` })),
    iamOp('GetPolicyVersion', true, 1, (c) => ({ policyArn: `arn:aws:iam::${c.a.id}:policy/s3-assets-rw`, versionId: `v${c.r.range(1, 9)}` })),
    iamOp('ListRolePolicies', true, 0.5, () => ({ roleName: 'web-instance-role' })),
    iamOp('GetInstanceProfile', true, 0.5, () => ({ instanceProfileName: 'web-instance-profile' })),
    s3Bucket('GetBucketPolicy', ['s3:GetBucketPolicy'], true, 1, false, () => ({ policy: '' })),
    s3Bucket('GetBucketAcl', ['s3:GetBucketAcl'], true, 1, false, () => ({ acl: '' })),
    s3Bucket('GetBucketVersioning', ['s3:GetBucketVersioning'], true, 1, false, () => ({ versioning: '' })),
    s3Bucket('GetBucketEncryption', ['s3:GetEncryptionConfiguration'], true, 1, false, () => ({ encryption: '' })),
    s3Bucket('GetBucketLifecycle', ['s3:GetLifecycleConfiguration'], true, 1, false, () => ({ lifecycle: '' })),
    s3Bucket('PutBucketLifecycle', ['s3:PutLifecycleConfiguration'], false, 0.05, false, () => ({ lifecycle: '', LifecycleConfiguration: { Rule: [{ ID: 'expire-old', Status: 'Enabled', Expiration: { Days: 90 } }] } })),
    s3Bucket('GetBucketTagging', ['s3:GetBucketTagging'], true, 0.7, false, () => ({ tagging: '' })),
    s3Bucket('GetBucketPublicAccessBlock', ['s3:GetBucketPublicAccessBlock'], true, 0.7, false, () => ({ publicAccessBlock: '' })),
    S3_LOCATION,
    kms('DescribeKey', true, 1, (_c, k) => ({ keyId: k })), kms('GetKeyPolicy', true, 0.5, (_c, k) => ({ keyId: k, policyName: 'default' })),
    kms('GetKeyRotationStatus', true, 0.5, (_c, k) => ({ keyId: k })), kms('ListResourceTags', true, 0.5, (_c, k) => ({ keyId: k })),
    logOp('DescribeLogGroups', true, 1, (_c, g) => ({ logGroupNamePrefix: g })), logOp('ListTagsLogGroup', true, 0.5),
    logOp('PutRetentionPolicy', false, 0.05, () => ({ retentionInDays: 30 })),
    ddb('DescribeTable', true, 1, false, () => ({})), ddb('DescribeContinuousBackups', true, 0.5, false, () => ({})),
    ddb('ListTagsOfResource', true, 0.5, false, (c, t) => ({ resourceArn: tableArn(c, t) })),
    sqs('GetQueueAttributes', true, 1, false, () => ({ attributeNames: ['All'] })), sqs('ListQueueTags', true, 0.5, false, () => ({})),
    simple('sns', 'GetTopicAttributes', true, 0.7, (c) => ({ req: { topicArn: `arn:aws:sns:${c.region}:${c.a.id}:${c.r.pick(c.p.topics)}` } })),
    lambdaOp('GetFunction20150331v2', true, 1), lambdaOp('ListVersionsByFunction20150331', true, 0.5), lambdaOp('GetPolicy20150331v2', true, 0.5),
    lambdaOp('UpdateFunctionConfiguration20150331v2', false, 0.05, () => ({ timeout: 30, memorySize: 512 })),
    secretOp('DescribeSecret', true, 0.7), secretOp('GetResourcePolicy', true, 0.3),
    paramOp('GetParameter', true, 0.7), paramOp('DescribeParameters', true, 0.3),
    ecrOp('DescribeRepositories', true, 0.5, (c, rp) => ({ repositoryNames: [rp], registryId: c.a.id })), ecrOp('GetLifecyclePolicy', true, 0.3),
    mon('DescribeAlarms', true, 1, (c) => ({ alarmNames: [`${c.r.pick(['web', 'worker'])}-5xx-rate`] })),
    mon('PutMetricAlarm', false, 0.05, () => ({ alarmName: 'web-5xx-rate', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', threshold: 10 })),
    { ...callerIdentity, w: 0.3 },
  ],
  admin: [
    iamOp('ListUsers', true, 1, () => ({ maxItems: 100 })), iamOp('GetUser', true, 1.5, (c) => ({ userName: c.p.user })),
    iamOp('ListAccessKeys', true, 1, (c) => ({ userName: c.p.user })), iamOp('ListRoles', true, 0.5),
    iamOp('GetAccountAuthorizationDetails', true, 0.1, () => ({ filter: ['User', 'Role'] })),
    iamOp('CreateAccessKey', false, 0.02, (c) => ({ userName: c.p.user })),
    iamOp('UpdateAccessKey', false, 0.02, (c) => ({ userName: c.p.user, accessKeyId: awsId('AKIA', c.r), status: 'Inactive' })),
    S3_LISTBUCKETS, S3_LIST, s3Object('GetObject', ['s3:GetObject'], true, 2), s3Object('PutObject', ['s3:PutObject'], false, 1),
    s3Bucket('GetBucketPolicy', ['s3:GetBucketPolicy'], true, 0.5, false, () => ({ policy: '' })),
    ec2('DescribeInstances', true, 3, (c) => ({ instancesSet: { items: [{ instanceId: instanceId(c.r) }] }, filterSet: {} })),
    ec2('StartInstances', false, 0.1, (c) => ({ instancesSet: { items: [{ instanceId: instanceId(c.r) }] } })),
    ec2('StopInstances', false, 0.1, (c) => ({ instancesSet: { items: [{ instanceId: instanceId(c.r) }] }, force: false })),
    ec2('DescribeRegions', true, 0.5, () => ({ regionSet: {}, allRegions: false })),
    logOp('FilterLogEvents', true, 2, (c) => ({ startTime: c.t - HOUR, endTime: c.t, filterPattern: 'ERROR' })),
    logOp('GetLogEvents', true, 1, (c) => ({ logStreamName: `web/${c.r.hex(32)}`, startFromHead: false })),
    simple('ssm', 'StartSession', false, 0.2, (c) => ({ req: { target: instanceId(c.r) }, resp: { sessionId: `${c.p.user}-${c.r.hex(17)}`, tokenValue: 'Value hidden due to security reasons.', streamUrl: `wss://ssmmessages.${c.region}.amazonaws.com/v1/data-channel/${c.p.user}-${c.r.hex(17)}` } })),
    secretOp('GetSecretValue', true, 0.3),
    mon('GetMetricData', true, 0.5, () => ({ metricDataQueries: 'HIDDEN_DUE_TO_SECURITY_REASONS', startTime: 'Oct 1, 2026, 12:00:00 AM' })),
    { ...callerIdentity, w: 1.5 },
  ],
  etl: [ // the work an ETL job does under the role it assumes
    S3_GET, S3_LIST, s3Object('PutObject', ['s3:PutObject'], false, 5),
    s3Object('DeleteObject', ['s3:DeleteObject'], false, 0.5),
    ddb('BatchWriteItem', false, 4, true, (c, t) => ({ requestItems: { [t]: 'HIDDEN_DUE_TO_SECURITY_REASONS' } })),
    ddb('Scan', true, 1, true, () => ({ limit: 1000, segment: 0, totalSegments: 4 })),
    kms('Decrypt', true, 2, (c) => encCtx(c)),
    logOp('CreateLogStream', false, 0.3, (c) => ({ logStreamName: `etl/${c.r.hex(32)}` })),
    mon('PutMetricData', false, 0.5, () => ({ namespace: 'ETL', metricData: 'HIDDEN_DUE_TO_SECURITY_REASONS' })),
  ],
  assumer: [{ ...callerIdentity, w: 1 }], // the long-term key itself, besides its AssumeRole calls
  agent: [
    mon('GetMetricData', true, 6, () => ({ metricDataQueries: 'HIDDEN_DUE_TO_SECURITY_REASONS', startTime: 'Oct 1, 2026, 12:00:00 AM' })),
    mon('ListMetrics', true, 2, (c) => ({ namespace: c.r.pick(['AWS/EC2', 'AWS/SQS', 'AWS/DynamoDB', 'AWS/Lambda', 'AWS/ApplicationELB']) })),
    mon('DescribeAlarms', true, 1),
    ec2('DescribeInstances', true, 2), ec2('DescribeTags', true, 1), ec2('DescribeVolumes', true, 1), ec2('DescribeInstanceStatus', true, 1),
    logOp('DescribeLogGroups', true, 0.5), logOp('FilterLogEvents', true, 0.5, (c) => ({ startTime: c.t - 5 * MIN, endTime: c.t })),
    simple('sqs', 'ListQueues', true, 0.5, () => ({ req: null })),
    simple('dynamodb', 'ListTables', true, 0.3, () => ({ req: null })),
    lambdaOp('ListFunctions20150331', true, 0.3),
    { ...callerIdentity, w: 0.2 },
  ],
  rotator: [
    lambdaOp('Invoke', false, 2, (c) => ({ functionName: fnArn(c), invocationType: 'RequestResponse' })),
    secretOp('RotateSecret', false, 1), secretOp('PutSecretValue', false, 1), secretOp('DescribeSecret', true, 2), secretOp('GetSecretValue', true, 2),
    secretOp('UpdateSecretVersionStage', false, 0.5),
    kms('Encrypt', true, 1, (c) => encCtx(c)), kms('Decrypt', true, 1, (c) => encCtx(c)),
  ],
  dormant: [S3_GET, S3_LIST, { ...callerIdentity, w: 0.5 }, paramOp('GetParameter', true, 1)],
  mfa: [ // an operator working under GetSessionToken credentials
    ec2('DescribeInstances', true, 2), ec2('TerminateInstances', false, 0.05, (c) => ({ instancesSet: { items: [{ instanceId: instanceId(c.r) }] } })),
    iamOp('ListUsers', true, 1), iamOp('ListAccessKeys', true, 1, (c) => ({ userName: c.p.user })),
    kms('ScheduleKeyDeletion', false, 0.02, (_c, k) => ({ keyId: k, pendingWindowInDays: 30 })),
    S3_LISTBUCKETS, s3Bucket('PutBucketPolicy', ['s3:PutBucketPolicy'], false, 0.05, false, () => ({ policy: 'HIDDEN' })),
  ],
  scanner: [
    ec2('DescribeInstances', true, 2), ec2('DescribeSecurityGroups', true, 2), ec2('DescribeVpcs', true, 1), ec2('DescribeFlowLogs', true, 1),
    ec2('DescribeSnapshots', true, 1), ec2('DescribeImages', true, 0.5, () => ({ ownersSet: { items: [{ owner: 'self' }] } })),
    ec2('GetEbsEncryptionByDefault', true, 0.5, () => ({})), ec2('DescribeNetworkAcls', true, 1),
    kms('ListKeys', true, 1, () => ({ limit: 1000 })), kms('GetKeyRotationStatus', true, 1, (_c, k) => ({ keyId: k })),
    logOp('DescribeLogGroups', true, 1), logOp('DescribeMetricFilters', true, 0.5),
    sqs('GetQueueAttributes', true, 1, false, () => ({ attributeNames: ['Policy', 'KmsMasterKeyId'] })),
    simple('sns', 'ListTopics', true, 0.5), simple('sns', 'GetTopicAttributes', true, 0.5, (c) => ({ req: { topicArn: `arn:aws:sns:${c.region}:${c.a.id}:${c.r.pick(c.p.topics)}` } })),
    lambdaOp('ListFunctions20150331', true, 1), lambdaOp('GetPolicy20150331v2', true, 0.5),
    secretOp('DescribeSecret', true, 0.5), simple('secretsmanager', 'ListSecrets', true, 0.5),
    paramOp('DescribeParameters', true, 0.5), ecrOp('DescribeRepositories', true, 0.5, () => ({})), ecrOp('GetRepositoryPolicy', true, 0.3),
    ddb('DescribeTable', true, 0.5, false, () => ({})), simple('dynamodb', 'ListTables', true, 0.5),
    mon('DescribeAlarms', true, 0.5), simple('cloudformation', 'DescribeStacks', true, 0.5),
    iamOp('GetAccountPasswordPolicy', true, 0.2), iamOp('GenerateCredentialReport', true, 0.1), iamOp('GetCredentialReport', true, 0.1),
    iamOp('ListPolicies', true, 0.3, () => ({ onlyAttached: true })), iamOp('ListRoles', true, 0.3),
    S3_LISTBUCKETS, s3Bucket('GetBucketAcl', ['s3:GetBucketAcl'], true, 0.5, false, () => ({ acl: '' })),
    s3Bucket('GetBucketLogging', ['s3:GetBucketLogging'], true, 0.5, false, () => ({ logging: '' })),
    s3Bucket('GetBucketEncryption', ['s3:GetEncryptionConfiguration'], true, 0.5, false, () => ({ encryption: '' })),
  ],
  // no long-term key: EC2 instances under their instance profile role
  instance: [S3_GET, S3_PUT, ddb('GetItem', true, 6, true, (c) => ({ key: itemKey(c) })), sqs('ReceiveMessage', true, 4, true, () => ({ maxNumberOfMessages: 10, waitTimeSeconds: 20 })),
    kms('Decrypt', true, 4, (c) => encCtx(c)), secretOp('GetSecretValue', true, 1), paramOp('GetParametersByPath', true, 1),
    logOp('CreateLogStream', false, 0.3, (c) => ({ logStreamName: `i/${c.r.hex(32)}` })), simple('ec2', 'DescribeTags', true, 0.5, () => ({ req: { filterSet: {} } }))],
  // AWS services calling on their own behalf
  service: [
    { ...kms('GenerateDataKey', true, 3, (c, k) => ({ keyId: k, encryptionContext: { 'aws:cloudtrail:arn': `arn:aws:cloudtrail:us-east-1:${c.a.id}:trail/org-trail` }, keySpec: 'AES_256' })), via: 'cloudtrail.amazonaws.com' },
    { ...s3Bucket('GetBucketAcl', ['s3:GetBucketAcl'], true, 2), via: 'cloudtrail.amazonaws.com' },
    { ...kms('Decrypt', true, 2, (c) => encCtx(c)), via: 'logs.amazonaws.com' },
    { ...ec2('DescribeInstanceStatus', true, 1), via: 'autoscaling.amazonaws.com' },
    { ...simple('logs', 'CreateLogStream', false, 1, (c) => ({ req: { logGroupName: c.r.pick(c.a.logGroups), logStreamName: `${new Date(c.t).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${c.r.hex(32)}` } })), via: 'lambda.amazonaws.com' },
  ],
  console: [
    ec2('DescribeInstances', true, 3), ec2('DescribeSecurityGroups', true, 1), S3_LISTBUCKETS, s3Bucket('GetBucketPolicyStatus', ['s3:GetBucketPolicyStatus'], true, 1),
    mon('DescribeAlarms', true, 2), mon('GetMetricData', true, 3), logOp('DescribeLogGroups', true, 1), logOp('FilterLogEvents', true, 1, (c) => ({ startTime: c.t - HOUR, endTime: c.t })),
    iamOp('ListRoles', true, 0.5), iamOp('GetRole', true, 0.5, () => ({ roleName: 'web-instance-role' })), simple('dynamodb', 'ListTables', true, 0.5),
  ],
};
// calls that some workloads try and are refused: ops that their policy does not allow
const DENIED: Record<string, Op[]> = {
  web: [s3Object('DeleteObject', ['s3:DeleteObject'], false, 1), secretOp('GetSecretValue', true, 1)],
  worker: [sqs('PurgeQueue', false, 1, false, () => ({}))],
  terraform: [iamOp('GetRolePolicy', true, 1, () => ({ roleName: 'admin', policyName: 'inline' })), kms('GetKeyPolicy', true, 1, (_c, k) => ({ keyId: k, policyName: 'default' })), s3Bucket('GetBucketReplication', ['s3:GetReplicationConfiguration'], true, 1, false, () => ({ replication: '' }))],
  admin: [iamOp('CreateUser', false, 1, (c) => ({ userName: `tmp-${c.r.hex(4)}` })), ec2('RunInstances', false, 1, () => ({ instanceType: 't3.micro', minCount: 1, maxCount: 1 })), simple('sns', 'Subscribe', false, 0.5, (c) => ({ req: { topicArn: `arn:aws:sns:${c.region}:${c.a.id}:${c.r.pick(c.a.topics)}`, protocol: 'email', endpoint: 'HIDDEN' } }))],
  scanner: [ec2('DescribeFlowLogs', true, 1), iamOp('GetAccountAuthorizationDetails', true, 1), s3Bucket('GetBucketPolicy', ['s3:GetBucketPolicy'], true, 1, false, () => ({ policy: '' })), secretOp('GetResourcePolicy', true, 1), simple('sns', 'GetTopicAttributes', true, 1, (c) => ({ req: { topicArn: `arn:aws:sns:${c.region}:${c.a.id}:${c.r.pick(c.a.topics)}` } }))],
  ci: [ecrOp('CreateRepository', false, 1), iamOp('PassRole', false, 0)], // PassRole is never logged; weight 0
  etl: [s3Object('GetObject', ['s3:GetObject'], true, 1)],
};
/** the error a service answers when the policy says no */
const DENIED_CODE: Partial<Record<Svc, string>> = {
  s3: 'AccessDenied', ec2: 'Client.UnauthorizedOperation', iam: 'AccessDenied', sts: 'AccessDenied', sqs: 'AccessDenied', sns: 'AuthorizationError',
  dynamodb: 'AccessDeniedException', kms: 'AccessDeniedException', logs: 'AccessDeniedException', ecr: 'AccessDeniedException', ssm: 'AccessDeniedException',
  secretsmanager: 'AccessDeniedException', lambda: 'AccessDeniedException', monitoring: 'AccessDenied', cloudformation: 'AccessDenied',
};
/** other errors, after authorization: the call was allowed (ground truth counts the action as used) */
const OTHER_ERRORS: Partial<Record<Svc, [string, string]>> = {
  s3: ['NoSuchKey', 'The specified key does not exist.'], dynamodb: ['ConditionalCheckFailedException', 'The conditional request failed'],
  secretsmanager: ['ResourceNotFoundException', "Secrets Manager can't find the specified secret."], ssm: ['ParameterNotFound', ''],
  kms: ['ThrottlingException', 'Rate exceeded'], ec2: ['Client.InvalidInstanceID.NotFound', 'The instance ID does not exist'],
  logs: ['ResourceAlreadyExistsException', 'The specified log stream already exists'], iam: ['NoSuchEntityException', 'The role cannot be found.'],
  sqs: ['AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'], lambda: ['ResourceConflictException', 'The operation cannot be performed at this time.'],
};

// ---- user agents (a key may upgrade its SDK mid-month)
const UA: Record<string, string[]> = {
  cli2: ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off command/s3.cp', 'aws-cli/2.17.41 md/awscrt#0.21.2 ua/2.0 os/linux#5.15.0-1057-aws md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#s3.sync'],
  cli1: ['aws-cli/1.29.62 Python/3.8.10 Linux/5.4.0-1103-aws botocore/1.31.62', 'aws-cli/1.18.69 Python/3.6.9 Linux/4.15.0-1060-aws botocore/1.16.19'],
  boto3: ['Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51', 'Boto3/1.26.90 Python/3.9.16 Linux/5.10.167-147.601.amzn2.x86_64 Botocore/1.29.90'],
  java2: ['aws-sdk-java/2.25.16 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy', 'aws-sdk-java/2.20.56 Linux/5.10.178-162.673.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/11.0.19+7-LTS Java/11.0.19 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy'],
  java1: ['aws-sdk-java/1.12.672 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/11.0.22+7-LTS java/11.0.22 vendor/Amazon.com_Inc. cfg/retry-mode/legacy', 'aws-sdk-java/1.11.1000 Linux/4.14.336-257.562.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Amazon.com_Inc.'],
  go2: ['aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sqs#1.31.1', 'aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.34.4'],
  go1: ['aws-sdk-go/1.50.30 (go1.21.7; linux; amd64)', 'aws-sdk-go/1.44.122 (go1.19.3; linux; amd64)'],
  js3: ['aws-sdk-js/3.525.0 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/s3#3.525.0', 'aws-sdk-js/3.637.0 ua/2.1 os/linux#5.10.223-211.872.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/dynamodb#3.637.0 m/E,N'],
  js2: ['aws-sdk-nodejs/2.1569.0 linux/v18.19.1 exec-env/AWS_ECS_FARGATE', 'aws-sdk-nodejs/2.1354.0 linux/v16.20.2 promise'],
  terraform: ['APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.51.1 (go1.22.1; linux; amd64)', 'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.64.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.4 ua/2.1 os/linux lang/go#1.22.6 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.176.0'],
  browser: ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0'],
  scanner: ['Boto3/1.35.14 md/Botocore#1.35.14 ua/2.0 os/linux#6.8.0-1014-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.35.14 prowler/4.3.5', 'Boto3/1.34.162 md/Botocore#1.34.162 ua/2.0 os/linux#6.8.0-1014-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.162 prowler/4.2.4'],
};

// ---- principals
type Kind = 'key' | 'instance' | 'service' | 'console';
interface Source { ip: string; vpce?: string; w: number; pool?: string[] }
interface Profile {
  id: string; // the long-term key, or a label for principals without one
  kind: Kind;
  archetype: string;
  account: Account;
  user: string;
  principalId: string;
  pattern: Pattern;
  salt: number;
  /** expected events per region over the 30 days, before the size's scale */
  share: Record<string, number>;
  sources: Source[];
  agents: [string, string]; // before and after the mid-month upgrade
  upgradeDay: number;
  ops: Op[];
  denied: Op[];
  deniedRate: number;
  errorRate: number;
  /** temporary credentials the key obtains, and does its real work under */
  chain?: { via: 'AssumeRole' | 'GetSessionToken'; role: string; periodMs: number; ops: Op[]; roleAccount: Account };
  buckets: string[]; tables: string[]; queues: string[]; topics: string[]; functions: string[]; secrets: string[]; params: string[]; logGroups: string[]; repos: string[];
  invokedBy?: string;
}

function publicIp(r: Rng, firstOctets: number[]): string { return `${r.pick(firstOctets)}.${r.range(1, 254)}.${r.range(0, 255)}.${r.range(1, 254)}`; }
const EC2_OCTETS = [3, 13, 18, 34, 35, 44, 52, 54, 100];
const OFFICE = ['81.2.69.', '82.165.177.', '91.198.174.', '195.12.50.', '203.0.113.', '198.51.100.'];

interface World { accounts: Account[]; profiles: Profile[] }
function buildWorld(): World {
  const r = new Rng(SEED);
  const acct = (name: string, regions: Record<string, number>, data: DataKind[]): Account => {
    const id = String(r.range(100_000_000, 999_999_999)) + String(r.range(100, 999));
    const a: Account = {
      name, id, regions, dataEvents: new Set(data),
      buckets: ['assets', 'uploads', 'backups', 'data-lake', 'artifacts', 'alb-logs'].map((b) => `acme-${name}-${b}-${r.hex(6)}`),
      tables: ['orders', 'sessions', 'users', 'inventory', `events-${name}`],
      queues: ['orders-intake', 'email-outbound', 'thumbnail-jobs', 'orders-intake-dlq', 'etl-tasks.fifo'],
      topics: ['order-events', 'ops-alerts', 'billing-events'],
      functions: ['thumbnailer', 'rotate-db-secret', 'order-webhook', 'nightly-report'],
      secrets: [`${name}/app/db-password`, `${name}/stripe/api-key`, `${name}/datadog/api-key`, 'shared/github/deploy-token'],
      params: [`/${name}/app/db/url`, `/${name}/app/feature-flags`, `/${name}/ci/deploy/version`, `/${name}/worker/concurrency`, '/shared/ami/latest'],
      logGroups: ['/aws/lambda/thumbnailer', '/ecs/web', '/app/worker', '/aws/lambda/rotate-db-secret', '/etl/jobs'],
      repos: ['web', 'worker', 'thumbnailer', 'base/node', 'base/python'],
      kmsKeys: {}, vpce: {}, nat: {}, vpcCidr: `10.${r.range(0, 255)}`,
    };
    for (const region of ALL_REGIONS) {
      a.kmsKeys[region] = [r.uuid(), r.uuid()];
      a.nat[region] = publicIp(r, EC2_OCTETS);
      for (const svc of ENDPOINT_SERVICES) a.vpce[`${region}/${svc}`] = `vpce-0${r.hex(16)}`;
    }
    return a;
  };
  const accounts = [
    acct('prod', { 'us-east-1': 0.7, 'eu-west-1': 0.2, 'us-west-2': 0.1 }, ['s3', 'lambda', 'dynamodb']),
    acct('data', { 'us-east-1': 0.6, 'us-west-2': 0.4 }, ['s3']),
    acct('staging', { 'us-east-1': 0.8, 'eu-west-1': 0.2 }, []),
    acct('tooling', { 'us-east-1': 0.7, 'eu-central-1': 0.3 }, ['sqs']),
  ];
  const [prod, data, staging, tooling] = accounts as [Account, Account, Account, Account];

  // [archetype, kind, count, weight each, pattern(s), accounts, agents, deniedRate, users]
  type Spec = [string, Kind, number, number, Pattern[], Account[], string[], number, string[]];
  const specs: Spec[] = [
    ['web', 'key', 8, 5.0, ['steady'], [prod, prod, prod, staging], ['java2', 'js3', 'boto3', 'go2', 'js2'], 0.004, ['svc-web-api', 'svc-storefront', 'svc-checkout', 'svc-media']],
    ['worker', 'key', 5, 3.0, ['steady'], [prod, prod, data, staging, tooling], ['go2', 'boto3', 'java1'], 0.002, ['svc-order-worker', 'svc-mailer', 'svc-thumbs']],
    ['backup', 'key', 5, 2.5, ['nightly'], [prod, data, staging, prod], ['cli2', 'cli1', 'boto3'], 0, ['backup-nightly', 'db-dump', 'restic']],
    ['ci', 'key', 5, 1.0, ['business'], [tooling, tooling, prod, staging], ['cli2', 'js3'], 0.01, ['github-actions', 'jenkins-deployer', 'cdk-deploy']],
    ['terraform', 'key', 4, 0.7, ['business', 'sporadic'], [prod, staging, data, tooling], ['terraform'], 0.03, ['terraform', 'atlantis']],
    ['admin', 'key', 6, 0.3, ['business', 'sporadic'], [prod, staging, data, tooling], ['cli2', 'cli1'], 0.02, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']],
    ['assumer', 'key', 4, 4.0, ['hourly', 'nightly'], [data, data, prod, staging], ['boto3', 'java2'], 0.003, ['etl-runner', 'airflow', 'spark-submit']],
    ['agent', 'key', 4, 2.0, ['steady'], [prod, staging, data, tooling], ['go1', 'go2'], 0, ['datadog-integration', 'grafana-cloud']],
    ['rotator', 'key', 3, 0.3, ['weekly'], [prod, staging, data], ['boto3', 'js3'], 0, ['secret-rotator']],
    ['dormant', 'key', 3, 0.01, ['retired'], [prod, staging, tooling], ['cli1', 'java1'], 0, ['old-jenkins', 'legacy-ftp-sync', 'intern-2019']],
    ['mfa', 'key', 1, 0.3, ['business'], [prod], ['cli2'], 0, ['ops-oncall']],
    ['scanner', 'key', 2, 0.8, ['nightly'], [prod, data], ['scanner'], 0.08, ['prowler-audit']],
    // no long-term key: ≈ 12% of the events
    ['instance', 'instance', 6, 1.5, ['steady'], [prod, prod, staging, data], ['java2', 'boto3'], 0, ['web-instance-role', 'worker-instance-role']],
    ['service', 'service', 4, 0.6, ['steady'], [prod, data, staging, tooling], ['boto3'], 0, ['cloudtrail.amazonaws.com']],
    ['console', 'console', 4, 0.3, ['business'], [prod, staging, data, tooling], ['browser'], 0, ['grace', 'heidi', 'ivan', 'judy']],
  ];
  const profiles: Profile[] = [];
  for (const [archetype, kind, count, weight, patterns, accts, agents, deniedRate, users] of specs) {
    for (let i = 0; i < count; i++) {
      const account = accts[i % accts.length] as Account;
      const pattern = patterns[i % patterns.length] as Pattern;
      const uaSet = UA[agents[i % agents.length] as string] as string[];
      const user = `${users[i % users.length]}${i >= users.length ? `-${i}` : ''}`;
      const id = kind === 'key' ? awsId('AKIA', r) : `${kind}:${account.name}:${user}`;
      // regions: the account's, biased; the scanner sweeps every region
      const share: Record<string, number> = {};
      if (archetype === 'scanner') for (const region of ALL_REGIONS) share[region] = region === 'us-east-1' ? 4 : 1;
      else for (const [region, w] of Object.entries(account.regions)) share[region] = w * (0.5 + r.next());
      if (archetype === 'admin' && r.chance(0.5)) share[r.pick(ALL_REGIONS)] = 0.05; // someone looks at another region
      const total = Object.values(share).reduce((a, b) => a + b, 0);
      const w = weight * (0.6 + 0.8 * r.next());
      for (const region of Object.keys(share)) share[region] = ((share[region] ?? 0) / total) * w;
      // sources
      const sources: Source[] = [];
      if (archetype === 'web' || archetype === 'worker' || archetype === 'assumer') {
        if (r.chance(0.5)) sources.push({ ip: publicIp(r, EC2_OCTETS), w: 3 }, { ip: publicIp(r, EC2_OCTETS), w: 1 }); // Elastic IPs
        else sources.push({ ip: '', vpce: 'yes', w: 3 }, { ip: 'nat', w: 1 }); // private, through endpoints; the rest through a NAT
      } else if (archetype === 'backup') sources.push({ ip: r.pick(OFFICE) + r.range(2, 250), w: 1 }); // a datacenter
      else if (archetype === 'ci') sources.push({ ip: '', w: 1, pool: Array.from({ length: 150 }, () => publicIp(r, [4, 13, 20, 40, 52, 172])) }); // hosted runners
      else if (archetype === 'terraform') sources.push({ ip: r.pick(OFFICE) + r.range(2, 250), w: 1 }, { ip: '', w: 1, pool: Array.from({ length: 40 }, () => publicIp(r, [4, 20, 40])) });
      else if (archetype === 'admin' || archetype === 'mfa' || archetype === 'console') sources.push({ ip: r.pick(OFFICE) + r.range(2, 250), w: 3 }, { ip: `2a02:c7c:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}`, w: 1 });
      else if (archetype === 'agent') sources.push({ ip: '', w: 1, pool: Array.from({ length: 8 }, () => publicIp(r, [34, 35, 104])) }); // another cloud
      else if (archetype === 'rotator') sources.push({ ip: '', vpce: 'yes', w: 1 });
      else if (archetype === 'dormant') sources.push({ ip: publicIp(r, [62, 80, 185]), w: 1 });
      else if (archetype === 'scanner') sources.push({ ip: publicIp(r, EC2_OCTETS), w: 1 });
      else if (archetype === 'instance') sources.push({ ip: '', vpce: 'yes', w: 2 }, { ip: publicIp(r, EC2_OCTETS), w: 1 });
      for (const s of sources) if (s.vpce) s.ip = `${account.vpcCidr}.${r.range(0, 63)}.${r.range(2, 254)}`;
      const pickSome = (xs: string[], n: number) => { const c = [...xs]; const out: string[] = []; while (out.length < n && c.length) out.push(c.splice(r.int(c.length), 1)[0] as string); return out; };
      const uaIndex = r.int(uaSet.length);
      const p: Profile = {
        id, kind, archetype, account, user, principalId: awsId(kind === 'instance' ? 'AROA' : 'AIDA', r), pattern, salt: r.int(1 << 30), share, sources,
        agents: [uaSet[uaIndex] as string, uaSet[r.chance(0.3) ? (uaIndex + 1) % uaSet.length : uaIndex] as string], upgradeDay: r.range(5, 25),
        ops: OPS[archetype === 'assumer' ? 'assumer' : archetype] as Op[], denied: DENIED[archetype] ?? [], deniedRate, errorRate: 0.003,
        buckets: pickSome(account.buckets, r.range(1, 3)), tables: pickSome(account.tables, r.range(1, 3)), queues: pickSome(account.queues, r.range(1, 2)),
        topics: pickSome(account.topics, 1), functions: pickSome(account.functions, r.range(1, 2)), secrets: pickSome(account.secrets, r.range(1, 2)),
        params: pickSome(account.params, r.range(1, 3)), logGroups: pickSome(account.logGroups, r.range(1, 2)), repos: pickSome(account.repos, r.range(1, 3)),
      };
      if (archetype === 'backup') p.buckets = account.buckets.filter((b) => b.includes('backups'));
      if (archetype === 'assumer') p.chain = { via: 'AssumeRole', role: `${user}-role`, periodMs: HOUR, ops: OPS.etl as Op[], roleAccount: account };
      if (archetype === 'assumer') p.denied = DENIED.etl as Op[];
      if (archetype === 'mfa') p.chain = { via: 'GetSessionToken', role: '', periodMs: 12 * HOUR, ops: OPS.mfa as Op[], roleAccount: account };
      if (archetype === 'mfa') p.ops = [{ ...callerIdentity, w: 1 }];
      if (kind === 'service') p.invokedBy = 'service';
      profiles.push(p);
    }
  }
  return { accounts, profiles };
}

// ---------------------------------------------------------------- streams
interface StreamJob { account: string; region: string; day: number; expected: number }
interface StreamResult { files: number; events: number; gzBytes: number; rawBytes: number; truth: Record<string, string[]> }

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (t: number) => new Date(t).toISOString().slice(0, 19) + 'Z';
const sessionTime = (t: number) => new Date(t).toLocaleString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });

class Truth { // which IAM actions were used (and refused) by whom: the comparison's reference
  readonly sets: Record<string, Set<string>> = { keys: new Set(), keysDenied: new Set(), other: new Set(), otherDenied: new Set() };
  add(kind: keyof Truth['sets'] & string, actions: string[]) { for (const a of actions) this.sets[kind]?.add(a); }
}

const norms = new Map<Profile, number>();
function normOf(p: Profile): number {
  let s = norms.get(p);
  if (s === undefined) {
    s = 0;
    for (let w = 0; w < WINDOWS; w++) s += Math.max(0, intensity(p.pattern, w, p.salt));
    norms.set(p, s);
  }
  return s;
}

function weightedPick<T extends { w: number }>(r: Rng, xs: readonly T[], total: number): T {
  let x = r.next() * total;
  for (const v of xs) { x -= v.w; if (x < 0) return v; }
  return xs[xs.length - 1] as T;
}

function runStream(world: World, size: string, job: StreamJob, outRoot: string): StreamResult {
  const scale = SIZES[size] as number;
  const account = world.accounts.find((a) => a.id === job.account) as Account;
  const region = job.region;
  const r = new Rng(hash32(SEED, size, account.id, region, job.day));
  const truth = new Truth();
  const totalWeight = world.profiles.reduce((s, p) => s + Object.values(p.share).reduce((a, b) => a + b, 0), 0);
  const regionOk = (op: Op) => (GLOBAL_SERVICES.has(op.svc) ? region === 'us-east-1' : true) && (!op.data || account.dataEvents.has(op.data)) && op.w > 0;
  const actors = world.profiles.filter((p) => p.account === account && (p.share[region] ?? 0) > 0).map((p) => {
    const ops = p.ops.filter(regionOk);
    const chainOps = p.chain ? p.chain.ops.filter(regionOk) : [];
    const denied = p.denied.filter(regionOk);
    return {
      p, ops, opsW: ops.reduce((s, o) => s + o.w, 0), chainOps, chainW: chainOps.reduce((s, o) => s + o.w, 0), denied, deniedW: denied.reduce((s, o) => s + o.w, 0),
      perWindow: ((p.share[region] ?? 0) / totalWeight) * scale / normOf(p),
      sourcesW: p.sources.reduce((s, x) => s + x.w, 0),
    };
  });
  // chain credentials are handed out by sts in us-east-1 (the global endpoint): every session that has any activity
  const chainers = region === 'us-east-1' ? world.profiles.filter((p) => p.chain && p.account === account) : [];
  const sessionActive = (p: Profile, s: number) => {
    const per = (p.chain as NonNullable<Profile['chain']>).periodMs / WINDOW;
    for (let w = s * per; w < (s + 1) * per && w < WINDOWS; w++) if (intensity(p.pattern, w, p.salt) > 0) return true;
    return false;
  };
  const sessionStart = (p: Profile, s: number) => START + s * (p.chain as NonNullable<Profile['chain']>).periodMs + (hash32('start', p.id, s) % 120) * 1000;

  let files = 0, events = 0, gzBytes = 0, rawBytes = 0;
  const madeDirs = new Set<string>();

  const record = (p: Profile, op: Op, t: number, identity: Record<string, unknown>, forceError?: [string, string]): Record<string, unknown> => {
    const ctx: Ctx = { r, a: account, region: GLOBAL_SERVICES.has(op.svc) ? 'us-east-1' : region, p, t };
    const built = op.build(ctx);
    const src = p.sources.length ? weightedPick(r, p.sources, p.sources.reduce((s, x) => s + x.w, 0)) : { ip: '203.0.113.7', w: 1 };
    let ip = src.pool ? r.pick(src.pool) : src.ip === 'nat' ? (account.nat[region] as string) : src.ip;
    let vpce: string | undefined;
    if (src.vpce) {
      if (ENDPOINT_SERVICES.has(op.svc)) vpce = account.vpce[`${region}/${op.svc}`];
      else ip = account.nat[region] as string; // no endpoint for this service: out through the NAT
    }
    let ua = t >= START + p.upgradeDay * DAY ? p.agents[1] : p.agents[0];
    const via = op.via ?? (p.kind === 'service' ? 'cloudtrail.amazonaws.com' : undefined);
    if (via) { ip = via; ua = via; vpce = undefined; }
    else if (op.svc === 's3') ua = `[${ua}]`;
    const host = op.svc === 's3' ? (built.req?.Host as string | undefined) ?? `s3.${region}.amazonaws.com` : `${op.svc}.${GLOBAL_SERVICES.has(op.svc) ? 'amazonaws.com' : `${region}.amazonaws.com`}`;
    const ev: Record<string, unknown> = {
      eventVersion: op.data === 's3' ? '1.09' : t > START + 20 * DAY ? '1.10' : '1.09',
      userIdentity: via && p.kind === 'service' ? { type: 'AWSService', invokedBy: via } : via ? { ...identity, invokedBy: via } : identity,
      eventTime: iso(t),
      eventSource: `${op.svc}.amazonaws.com`,
      eventName: op.name,
      awsRegion: ctx.region,
      sourceIPAddress: ip,
      userAgent: ua,
    };
    const err = forceError ?? (r.chance(p.errorRate) ? OTHER_ERRORS[op.svc] : undefined);
    if (err) { ev.errorCode = err[0]; ev.errorMessage = err[1] || undefined; }
    ev.requestParameters = built.req;
    ev.responseElements = err ? null : built.resp ?? null;
    if (built.extra) Object.assign(ev, built.extra);
    ev.requestID = op.svc === 's3' ? r.chars(UPPERHEX, 16) : r.uuid();
    ev.eventID = r.uuid();
    ev.readOnly = op.ro;
    if (built.res) ev.resources = built.res;
    ev.eventType = 'AwsApiCall';
    ev.managementEvent = !op.data;
    ev.recipientAccountId = account.id;
    if (vpce) { ev.vpcEndpointId = vpce; ev.vpcEndpointAccountId = account.id; }
    ev.eventCategory = op.data ? 'Data' : 'Management';
    if (!via) ev.tlsDetails = { tlsVersion: r.chance(0.8) ? 'TLSv1.3' : 'TLSv1.2', cipherSuite: r.chance(0.8) ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: host };
    if (p.kind === 'console') ev.sessionCredentialFromConsole = 'true';
    return ev;
  };

  const iamUser = (p: Profile, accessKeyId: string | undefined, session?: { created: number; mfa: boolean }) => ({
    type: 'IAMUser', principalId: p.principalId, arn: `arn:aws:iam::${account.id}:user/${p.user}`, accountId: account.id,
    ...(accessKeyId ? { accessKeyId } : {}), userName: p.user,
    ...(session ? { sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: iso(session.created), mfaAuthenticated: String(session.mfa) } } } : {}),
  });
  const assumedRole = (p: Profile, role: string, roleId: string, sessionName: string, accessKeyId: string, created: number, extra: Record<string, unknown> = {}) => ({
    type: 'AssumedRole', principalId: `${roleId}:${sessionName}`, arn: `arn:aws:sts::${account.id}:assumed-role/${role}/${sessionName}`, accountId: account.id, accessKeyId,
    sessionContext: { sessionIssuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${account.id}:role/${role}`, accountId: account.id, userName: role }, webIdFederationData: {}, attributes: { creationDate: iso(created), mfaAuthenticated: 'false' }, ...extra },
  });
  const roleIdOf = (p: Profile) => awsId('AROA', new Rng(hash32('role', p.id)));

  const emit = (a: (typeof actors)[number], t: number, out: Record<string, unknown>[]) => {
    const { p } = a;
    const denied = a.deniedW > 0 && r.chance(p.deniedRate);
    if (p.kind === 'key' && p.chain && !denied && a.chainW > 0 && r.chance(0.97)) { // work under the temporary credentials
      const s = Math.floor((t - START) / p.chain.periodMs);
      const t0 = sessionStart(p, s);
      if (t < t0 + 5000) t = t0 + 5000 + r.int(30_000);
      const key = sessionKey(p.id, s);
      const op = weightedPick(r, a.chainOps, a.chainW);
      const identity = p.chain.via === 'AssumeRole'
        ? assumedRole(p, p.chain.role, roleIdOf(p), `${p.user}-${s}`, key, t0)
        : iamUser(p, key, { created: t0, mfa: true });
      truth.add('keys', op.iam);
      out.push(record(p, op, t, identity));
      return;
    }
    const list = denied ? a.denied : a.ops;
    if (list.length === 0) return;
    const op = weightedPick(r, list, denied ? a.deniedW : a.opsW);
    let identity: Record<string, unknown>;
    if (p.kind === 'key') identity = iamUser(p, p.id);
    else if (p.kind === 'instance') {
      const s = Math.floor((t - START) / (6 * HOUR));
      const iid = `i-0${new Rng(hash32('iid', p.id)).hex(16)}`;
      identity = assumedRole(p, p.user, p.principalId, iid, sessionKey(p.id, s), START + s * 6 * HOUR, { ec2RoleDelivery: '2.0' });
    } else if (p.kind === 'console') {
      const s = Math.floor((t - START) / (8 * HOUR));
      identity = iamUser(p, sessionKey(p.id, s), { created: START + s * 8 * HOUR, mfa: true });
    } else identity = {};
    const kind = p.kind === 'key' ? 'keys' : 'other';
    if (denied) {
      truth.add(kind + 'Denied', op.iam);
      const code = DENIED_CODE[op.svc] ?? 'AccessDenied';
      out.push(record(p, op, t, identity, [code, `User: ${identity.arn as string} is not authorized to perform: ${op.iam[0]} because no identity-based policy allows the ${op.iam[0]} action`]));
    } else {
      truth.add(kind, op.iam);
      out.push(record(p, op, t, identity));
    }
  };

  const perDay = DAY / WINDOW;
  for (let w = job.day * perDay; w < (job.day + 1) * perDay; w++) {
    const t0 = START + w * WINDOW;
    const recs: Record<string, unknown>[] = [];
    for (const a of actors) {
      const lam = a.perWindow * Math.max(0, intensity(a.p.pattern, w, a.p.salt));
      if (lam <= 0) continue;
      const n = Math.floor(lam + r.next());
      for (let i = 0; i < n; i++) emit(a, t0 + r.int(WINDOW / 1000) * 1000, recs);
    }
    for (const p of chainers) { // sts:AssumeRole / GetSessionToken at the start of each active session
      const chain = p.chain as NonNullable<Profile['chain']>;
      const per = chain.periodMs / WINDOW;
      if (w % per !== 0) continue;
      const s = w / per;
      if (!sessionActive(p, s)) continue;
      const ts = sessionStart(p, s);
      const key = sessionKey(p.id, s);
      const exp = sessionTime(ts + chain.periodMs);
      const src = p.sources[0];
      const ctxIdentity = iamUser(p, p.id);
      const ev = record(p, { ...callerIdentity, name: chain.via, ro: true }, ts, ctxIdentity);
      if (src?.vpce) { ev.vpcEndpointId = account.vpce[`${region}/sts`]; ev.vpcEndpointAccountId = account.id; ev.sourceIPAddress = src.ip; }
      const token = r.chars(B64, 600);
      if (chain.via === 'AssumeRole') {
        const roleArn = `arn:aws:iam::${chain.roleAccount.id}:role/${chain.role}`;
        ev.requestParameters = { roleArn, roleSessionName: `${p.user}-${s}`, durationSeconds: 3600 };
        ev.responseElements = {
          credentials: { accessKeyId: key, sessionToken: token, expiration: exp },
          assumedRoleUser: { assumedRoleId: `${roleIdOf(p)}:${p.user}-${s}`, arn: `arn:aws:sts::${chain.roleAccount.id}:assumed-role/${chain.role}/${p.user}-${s}` },
        };
        ev.resources = [{ accountId: chain.roleAccount.id, type: 'AWS::IAM::Role', ARN: roleArn }];
      } else {
        ev.requestParameters = { durationSeconds: 43200, serialNumber: `arn:aws:iam::${account.id}:mfa/${p.user}` };
        ev.responseElements = { credentials: { accessKeyId: key, sessionToken: token, expiration: exp } };
      }
      truth.add('keys', chain.via === 'AssumeRole' ? ['sts:AssumeRole'] : []); // GetSessionToken needs no permission (IAM User Guide)
      recs.push(ev);
    }
    // instance-profile credentials: sts:AssumeRole by ec2.amazonaws.com every 6 hours (no long-term key)
    if (region === 'us-east-1' && w % 12 === 0) {
      for (const p of world.profiles) {
        if (p.kind !== 'instance' || p.account !== account) continue;
        const s = w / 12;
        const roleArn = `arn:aws:iam::${account.id}:role/${p.user}`;
        const ts = START + s * 6 * HOUR + (hash32('iprof', p.id, s) % 60) * 1000;
        const iid = `i-0${new Rng(hash32('iid', p.id)).hex(16)}`;
        recs.push({
          eventVersion: '1.08', userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }, eventTime: iso(ts), eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole',
          awsRegion: 'us-east-1', sourceIPAddress: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com',
          requestParameters: { roleArn, roleSessionName: iid },
          responseElements: { credentials: { accessKeyId: sessionKey(p.id, s), sessionToken: r.chars(B64, 600), expiration: sessionTime(ts + 6 * HOUR) }, assumedRoleUser: { assumedRoleId: `${p.principalId}:${iid}`, arn: `arn:aws:sts::${account.id}:assumed-role/${p.user}/${iid}` } },
          requestID: r.uuid(), eventID: r.uuid(), readOnly: true, resources: [{ accountId: account.id, type: 'AWS::IAM::Role', ARN: roleArn }],
          eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: account.id, sharedEventID: r.uuid(), eventCategory: 'Management',
        });
        truth.add('other', ['sts:AssumeRole']);
      }
    }
    // console sign-ins (no access key at all)
    if (region === 'us-east-1' && w % 16 === 0) {
      for (const p of world.profiles) {
        if (p.kind !== 'console' || p.account !== account || intensity(p.pattern, w + 1, p.salt) <= 0) continue;
        const ts = t0 + 60_000 + (hash32('login', p.id, w) % 600) * 1000;
        recs.push({
          eventVersion: '1.09', userIdentity: { type: 'IAMUser', principalId: p.principalId, arn: `arn:aws:iam::${account.id}:user/${p.user}`, accountId: account.id, userName: p.user },
          eventTime: iso(ts), eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: 'us-east-1', sourceIPAddress: p.sources[0]?.ip ?? '203.0.113.9', userAgent: p.agents[0],
          requestParameters: null, responseElements: { ConsoleLogin: 'Success' },
          additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAIdentifier: `arn:aws:iam::${account.id}:mfa/${p.user}`, MFAUsed: 'Yes' },
          eventID: r.uuid(), readOnly: false, eventType: 'AwsConsoleSignIn', managementEvent: true, recipientAccountId: account.id, eventCategory: 'Management',
          tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'signin.aws.amazon.com' },
        });
      }
    }
    if (recs.length === 0) continue;
    // records in a file are in no particular order (User Guide); roughly by time, as AWS writes them
    const order = recs.map((rec, i) => ({ rec, i, t: rec.eventTime as string }));
    order.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : x.i - y.i));
    // delivered a few minutes after the window closes; the date folders and the name are the delivery time
    const delivered = t0 + WINDOW + r.range(1, 6) * MIN;
    const d = new Date(delivered);
    const dir = join(outRoot, 'AWSLogs', account.id, 'CloudTrail', region, String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()));
    if (!madeDirs.has(dir)) { mkdirSync(dir, { recursive: true }); madeDirs.add(dir); }
    const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
    const name = `${account.id}_CloudTrail_${region}_${stamp}_${r.chars(ALNUM, 16)}.json.gz`;
    const json = JSON.stringify({ Records: order.map((o) => o.rec) });
    const gz = gzipSync(json);
    writeFileSync(join(dir, name), gz);
    files++; events += recs.length; gzBytes += gz.length; rawBytes += Buffer.byteLength(json);
  }
  return { files, events, gzBytes, rawBytes, truth: Object.fromEntries(Object.entries(truth.sets).map(([k, v]) => [k, [...v].sort()])) };
}

function planStreams(world: World): StreamJob[] {
  const jobs: StreamJob[] = [];
  for (const a of world.accounts) {
    const regions = new Set<string>(['us-east-1']);
    for (const p of world.profiles) if (p.account === a) for (const region of Object.keys(p.share)) regions.add(region);
    for (const region of [...regions].sort()) {
      const expected = world.profiles.filter((p) => p.account === a).reduce((s, p) => s + (p.share[region] ?? 0), 0);
      for (let day = 0; day < DAYS; day++) jobs.push({ account: a.id, region, day, expected });
    }
  }
  return jobs.sort((x, y) => y.expected - x.expected || (x.account + x.region < y.account + y.region ? -1 : x.account + x.region > y.account + y.region ? 1 : x.day - y.day));
}

// ---------------------------------------------------------------- main / workers
interface WorkerInput { size: string; jobs: StreamJob[]; outRoot: string }

if (!isMainThread) {
  const { size, jobs, outRoot } = workerData as WorkerInput;
  const world = buildWorld();
  const results = jobs.map((j) => runStream(world, size, j, outRoot));
  parentPort?.postMessage(results);
} else {
  const args = process.argv.slice(2);
  let workers = availableParallelism();
  const sizes: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--workers') workers = Math.max(1, Number(args[++i]));
    else if (a in SIZES) sizes.push(a);
    else { console.error(`usage: generate-corpus.ts [small|large]... [--workers N]  (unknown: ${a})`); process.exit(2); }
  }
  const world = buildWorld();
  for (const size of sizes.length ? sizes : Object.keys(SIZES)) {
    const outRoot = join(benchDir, 'corpus', `usage-${size}`);
    rmSync(outRoot, { recursive: true, force: true });
    mkdirSync(outRoot, { recursive: true });
    const started = performance.now();
    const jobs = planStreams(world);
    // balance the streams over the workers, biggest first; the bytes do not depend on the split
    const buckets: StreamJob[][] = Array.from({ length: workers }, () => []);
    const load = new Array<number>(workers).fill(0);
    for (const j of jobs) {
      const i = load.indexOf(Math.min(...load));
      (buckets[i] as StreamJob[]).push(j);
      load[i] = (load[i] ?? 0) + j.expected;
    }
    const results = (await Promise.all(buckets.filter((b) => b.length).map((b) => new Promise<StreamResult[]>((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { size, jobs: b, outRoot } satisfies WorkerInput });
      worker.once('message', resolve);
      worker.once('error', reject);
    })))).flat();
    const seconds = (performance.now() - started) / 1000;
    const sum = (k: 'files' | 'events' | 'gzBytes' | 'rawBytes') => results.reduce((s, x) => s + x[k], 0);
    const truth: Record<string, string[]> = {};
    for (const k of ['keys', 'keysDenied', 'other', 'otherDenied']) truth[k] = [...new Set(results.flatMap((x) => x.truth[k] ?? []))].sort();
    const manifest = {
      size, seed: SEED, generator: 'bench/usage/generate-corpus.ts',
      since: iso(START), until: iso(START + DAYS * DAY),
      files: sum('files'), events: sum('events'), gzBytes: sum('gzBytes'), jsonBytes: sum('rawBytes'), generateSeconds: Math.round(seconds * 10) / 10, workers,
      accounts: world.accounts.map((a) => ({ name: a.name, id: a.id, regions: Object.keys(a.regions), dataEvents: [...a.dataEvents] })),
      streams: jobs.length / DAYS,
      keys: world.profiles.filter((p) => p.kind === 'key').map((p) => ({ accessKeyId: p.id, account: p.account.id, user: p.user, workload: p.archetype, pattern: p.pattern, ...(p.chain ? { obtains: p.chain.via } : {}) })),
      // the IAM actions the events need: by the long-term keys and the temporary keys they obtained
      // (keys), refused to them (keysDenied), and by principals without a long-term key (other, otherDenied)
      truth,
    };
    writeFileSync(join(benchDir, 'corpus', `usage-${size}.manifest.json`), JSON.stringify(manifest, null, 2) + '\n');
    console.log(`usage-${size}: ${manifest.events.toLocaleString('en-US')} events in ${manifest.files.toLocaleString('en-US')} files, ` +
      `${(manifest.gzBytes / 2 ** 20).toFixed(0)} MiB gzipped (${(manifest.jsonBytes / 2 ** 20).toFixed(0)} MiB of JSON), ${seconds.toFixed(1)} s with ${workers} worker(s)`);
  }
}

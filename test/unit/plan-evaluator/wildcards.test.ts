// Wildcards in Action and Resource: actions without regard to case, ARNs with it; `*` and `?`;
// ARN segments matched one by one except the resource part, where `*` spans `/` and `:`.
import { describe, expect, it } from 'vitest';
import { allow, decide, doc } from './helpers.js';

const allowed = (actionPattern: string | string[], action: string, resource = '*', resourcePattern: string | string[] = '*') =>
  decide([doc(allow(actionPattern, resourcePattern))], { action, resource }) === 'allow';

describe('action patterns', () => {
  it('match exactly, without regard to case', () => {
    expect(allowed('s3:GetObject', 's3:GetObject')).toBe(true);
    expect(allowed('S3:GETOBJECT', 's3:GetObject')).toBe(true);
    expect(allowed('s3:getobject', 'S3:GetObject')).toBe(true);
    expect(allowed('s3:GetObject', 's3:GetObjectAcl')).toBe(false);
    expect(allowed('s3:GetObject', 's3express:GetObject')).toBe(false);
  });

  it('`*` alone matches every action of every service', () => {
    for (const action of ['s3:GetObject', 'iam:CreateAccessKey', 'ec2:DescribeInstances']) expect(allowed('*', action)).toBe(true);
  });

  it('`service:*` matches that service only', () => {
    expect(allowed('s3:*', 's3:PutObject')).toBe(true);
    expect(allowed('s3:*', 's3express:CreateSession')).toBe(false);
    expect(allowed('s3:*', 'ec2:RunInstances')).toBe(false);
  });

  it('prefixes, suffixes and infixes', () => {
    expect(allowed('s3:Get*', 's3:GetObject')).toBe(true);
    expect(allowed('s3:Get*', 's3:GetBucketPolicy')).toBe(true);
    expect(allowed('s3:Get*', 's3:PutObject')).toBe(false);
    expect(allowed('s3:Get*', 's3:ListBucket')).toBe(false);
    expect(allowed('iam:*AccessKey*', 'iam:CreateAccessKey')).toBe(true);
    expect(allowed('iam:*AccessKey*', 'iam:ListAccessKeys')).toBe(true);
    expect(allowed('iam:*AccessKey*', 'iam:GetAccessKeyLastUsed')).toBe(true);
    expect(allowed('iam:*AccessKey*', 'iam:CreateUser')).toBe(false);
    expect(allowed('iam:*accesskey*', 'iam:UpdateAccessKey')).toBe(true);
    expect(allowed('iam:*Report', 'iam:GetOrganizationsAccessReport')).toBe(true);
    expect(allowed('iam:*Report', 'iam:GenerateCredentialReport')).toBe(true);
    expect(allowed('iam:*Report', 'iam:ReportSomething')).toBe(false);
  });

  it('`?` is exactly one character', () => {
    expect(allowed('ec2:Describe?ags', 'ec2:DescribeTags')).toBe(true);
    expect(allowed('ec2:Describe?ags', 'ec2:DescribeFlags')).toBe(false);
    expect(allowed('s3:?etObject', 's3:GetObject')).toBe(true);
    expect(allowed('s3:?etObject', 's3:etObject')).toBe(false);
  });

  it('any one pattern of a list is enough', () => {
    expect(allowed(['ec2:*', 's3:GetObject'], 's3:GetObject')).toBe(true);
  });

  it('takes regular-expression characters literally', () => {
    expect(allowed('s3:Get.bject', 's3:GetObject')).toBe(false);
    expect(allowed('s3:(Get)Object', 's3:GetObject')).toBe(false);
  });
});

describe('resource patterns', () => {
  const object = (resource: string, pattern: string | string[]) => allowed('s3:GetObject', 's3:GetObject', resource, pattern);

  it('`*` matches any resource, the `*` resource included', () => {
    expect(object('arn:aws:s3:::b/k', '*')).toBe(true);
    expect(allowed('s3:ListAllMyBuckets', 's3:ListAllMyBuckets', '*', '*')).toBe(true);
  });

  it('an ARN pattern does not match the `*` resource of an action that names none', () => {
    expect(allowed('s3:ListAllMyBuckets', 's3:ListAllMyBuckets', '*', 'arn:aws:s3:::*')).toBe(false);
  });

  it('`bucket/*` covers every key, nested or not, but not the bucket itself', () => {
    expect(object('arn:aws:s3:::bucket/k', 'arn:aws:s3:::bucket/*')).toBe(true);
    expect(object('arn:aws:s3:::bucket/a/b/c.txt', 'arn:aws:s3:::bucket/*')).toBe(true);
    expect(object('arn:aws:s3:::bucket/', 'arn:aws:s3:::bucket/*')).toBe(true);
    expect(object('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*')).toBe(false);
    expect(object('arn:aws:s3:::bucket2/k', 'arn:aws:s3:::bucket/*')).toBe(false);
  });

  it('`*` spans slashes in the resource part (IAM User Guide: the `/*/test/*` example)', () => {
    const pattern = 'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*';
    for (const key of ['1/test/object.jpg', '1/2/test/object.jpg', '1/2/test/3/object.jpg', '1///test///object.jpg', '/test/object.jpg', '1/test/']) {
      expect(object(`arn:aws:s3:::amzn-s3-demo-bucket/${key}`, pattern)).toBe(true);
    }
    for (const key of ['1-test/object.jpg', 'test/object.jpg']) expect(object(`arn:aws:s3:::amzn-s3-demo-bucket/${key}`, pattern)).toBe(false);
  });

  it('`?` is one character', () => {
    expect(object('arn:aws:s3:::example1bucket/k', 'arn:aws:s3:::example?bucket/*')).toBe(true);
    expect(object('arn:aws:s3:::examplebucket/k', 'arn:aws:s3:::example?bucket/*')).toBe(false);
    expect(object('arn:aws:s3:::example12bucket/k', 'arn:aws:s3:::example?bucket/*')).toBe(false);
  });

  it('ARNs are case-sensitive', () => {
    expect(object('arn:aws:s3:::Bucket/k', 'arn:aws:s3:::bucket/*')).toBe(false);
    expect(object('arn:aws:s3:::bucket/K', 'arn:aws:s3:::bucket/k')).toBe(false);
    expect(
      decide([doc(allow('iam:GetUser', 'arn:aws:iam::111122223333:user/Bob'))], { action: 'iam:GetUser', resource: 'arn:aws:iam::111122223333:user/bob' }),
    ).toBe('implicit-deny');
  });

  it('a wildcard in the region or account segment stays inside it', () => {
    const queue = (resource: string, pattern: string) => allowed('sqs:SendMessage', 'sqs:SendMessage', resource, pattern);
    expect(queue('arn:aws:sqs:us-east-2:111122223333:queue1', 'arn:aws:sqs:*:111122223333:queue1')).toBe(true);
    expect(queue('arn:aws:sqs:us-east-2:111122223333:queue1', 'arn:aws:sqs:us-*:*:queue1')).toBe(true);
    // an empty region segment is matched by `*` but by nothing else
    expect(queue('arn:aws:s3:::b', 'arn:aws:s3:*:*:b')).toBe(true);
    // a pattern of six segments cannot shift a segment across a colon
    expect(queue('arn:aws:sqs:us-east-2:111122223333:queue1', 'arn:aws:sqs:*:queue1')).toBe(false);
    expect(queue('arn:aws:sqs:us-east-2:111122223333:queue1', 'arn:aws:sqs:us-east-2:*:*:queue1')).toBe(false);
    // `arn:aws:s3:::*` covers buckets and objects, not regional S3 resources such as access points
    expect(queue('arn:aws:s3:us-east-1:111122223333:accesspoint/ap', 'arn:aws:s3:::*')).toBe(false);
  });

  it('the resource part may itself hold colons, which `*` there spans', () => {
    const logs = (resource: string, pattern: string) => allowed('logs:PutLogEvents', 'logs:PutLogEvents', resource, pattern);
    const stream = 'arn:aws:logs:eu-west-1:111122223333:log-group:app:log-stream:i-0abc';
    expect(logs(stream, 'arn:aws:logs:eu-west-1:111122223333:log-group:app:*')).toBe(true);
    expect(logs(stream, 'arn:aws:logs:eu-west-1:111122223333:log-group:*')).toBe(true);
    expect(logs(stream, 'arn:aws:logs:eu-west-1:111122223333:*')).toBe(true);
    expect(logs(stream, 'arn:aws:logs:eu-west-1:111122223333:log-group:other:*')).toBe(false);
  });

  it('a trailing `*` of a shorter pattern runs to the end of the ARN', () => {
    const q = 'arn:aws:sqs:us-east-2:111122223333:queue1';
    expect(allowed('sqs:*', 'sqs:SendMessage', q, 'arn:aws:sqs:*')).toBe(true);
    expect(allowed('sqs:*', 'sqs:SendMessage', q, 'arn:aws:*')).toBe(true);
    expect(allowed('sqs:*', 'sqs:SendMessage', q, 'arn:aws:sqs:eu-*')).toBe(false);
    expect(allowed('sqs:*', 'sqs:SendMessage', q, 'arn:aws:sqs')).toBe(false);
  });

  it('a pattern of many stars fails fast on a long near miss (no regular-expression backtracking)', () => {
    const pattern = `arn:aws:s3:::${'*a'.repeat(40)}*b`;
    const started = performance.now();
    expect(object(`arn:aws:s3:::${'a'.repeat(1000)}`, pattern)).toBe(false);
    expect(object(`arn:aws:s3:::${'a'.repeat(1000)}b`, pattern)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('`?` is one character even outside the Basic Multilingual Plane', () => {
    expect(object('arn:aws:s3:::b/\u{1F600}.txt', 'arn:aws:s3:::b/?.txt')).toBe(true);
    expect(object('arn:aws:s3:::b/\u{1F600}.txt', 'arn:aws:s3:::b/??.txt')).toBe(false);
  });

  it('the partition must match', () => {
    expect(object('arn:aws-cn:s3:::b/k', 'arn:aws:s3:::b/*')).toBe(false);
    expect(object('arn:aws-cn:s3:::b/k', 'arn:*:s3:::b/*')).toBe(true);
  });
});

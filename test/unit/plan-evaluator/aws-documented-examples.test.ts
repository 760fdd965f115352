// AWS's documented policy evaluation examples as fixed cases: the policies are copied from the
// IAM User Guide and each expectation is the outcome the guide states, not one derived from this
// evaluator. This is the independent check that issue 6 asks for ("AWS's documented evaluation
// examples as fixed cases"). Sources — IAM User Guide (docs.aws.amazon.com/IAM/latest/UserGuide/,
// also github.com/awsdocs/iam-user-guide doc_source/):
//   [EVAL]  reference_policies_evaluation-logic — "Example identity-based and resource-based policy
//           evaluation" (carlossalazar) and "The difference between explicit and implicit denies"
//   [NOTA]  reference_policies_elements_notaction — "NotAction with Allow", "NotAction with Deny"
//   [NOTR]  reference_policies_elements_notresource — the HRPayroll example, and "NotResource with
//           other elements"
//   [REGION] reference_policies_examples_aws_deny-requested-region
//   [IP]    reference_policies_examples_aws_deny-ip
//   [DATES] reference_policies_examples_aws-dates
//   [MFA]   reference_policies_examples_aws_my-sec-creds-self-manage
//   [SETS]  reference_policies_multi-value-conditions (ForAllValues / ForAnyValue)
//   [OPS]   reference_policies_elements_condition_operators (IfExists, Null, absent keys)
//   [VARS]  reference_policies_variables
// Where a guide's excerpt is a statement fragment, the test wraps it in a 2012-10-17 document.
// Examples that write an action without its service prefix ("GetItem") are given one here.
import { describe, expect, it } from 'vitest';
import { decide, doc } from './helpers.js';

const ACCOUNT = '123456789012';

describe('[EVAL] carlossalazar and the logs bucket', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowS3ListRead',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'],
        Resource: 'arn:aws:s3:::*',
      },
      { Sid: 'AllowS3Self', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'] },
      { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
    ],
  };

  it('saving a file to carlossalazar-logs is explicitly denied ("It finds one ... Carlos is denied access")', () => {
    expect(decide([policy], { action: 's3:PutObject', resource: 'arn:aws:s3:::carlossalazar-logs/file.txt' })).toBe('explicit-deny');
  });

  it('saving it to carlossalazar is allowed ("AWS allows the request")', () => {
    expect(decide([policy], { action: 's3:PutObject', resource: 'arn:aws:s3:::carlossalazar/file.txt' })).toBe('allow');
  });

  it('"DenyS3Logs denies Carlos access to any S3 bucket with log in its name"', () => {
    expect(decide([policy], { action: 's3:GetBucketLocation', resource: 'arn:aws:s3:::audit-logbook' })).toBe('explicit-deny');
    expect(decide([policy], { action: 's3:GetBucketLocation', resource: 'arn:aws:s3:::reports' })).toBe('allow');
  });

  it('AllowS3Self grants only his own bucket: other buckets stay implicitly denied', () => {
    expect(decide([policy], { action: 's3:PutObject', resource: 'arn:aws:s3:::someone-else/file.txt' })).toBe('implicit-deny');
  });
});

describe('[EVAL] explicit and implicit denies (AllowGetList / DenyReports)', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
    ],
  };
  const grantsReports = doc({ Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' });

  it('Get and List actions are allowed', () => {
    expect(decide([policy], { action: 'iam:GetUser', resource: `arn:aws:iam::${ACCOUNT}:user/x` })).toBe('allow');
    expect(decide([policy], { action: 'iam:ListRoles', resource: '*' })).toBe('allow');
  });

  it('"All other actions in IAM, such as iam:CreatePolicy are implicitly denied"', () => {
    expect(decide([policy], { action: 'iam:CreatePolicy', resource: `arn:aws:iam::${ACCOUNT}:policy/p` })).toBe('implicit-deny');
  });

  it('report actions such as iam:GetOrganizationsAccessReport are explicitly denied', () => {
    expect(decide([policy], { action: 'iam:GetOrganizationsAccessReport', resource: '*' })).toBe('explicit-deny');
  });

  it('"report-related requests are still denied" when another policy grants iam:GenerateCredentialReport', () => {
    expect(decide([policy, grantsReports], { action: 'iam:GenerateCredentialReport', resource: '*' })).toBe('explicit-deny');
    expect(decide([grantsReports], { action: 'iam:GenerateCredentialReport', resource: '*' })).toBe('allow');
  });
});

describe('[NOTA] NotAction with Allow', () => {
  const allS3ButDeleteBucket = doc({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' });

  it('"access to all of the Amazon S3 actions that can be performed on any S3 resource"', () => {
    expect(decide([allS3ButDeleteBucket], { action: 's3:GetObject', resource: 'arn:aws:s3:::any-bucket/key' })).toBe('allow');
    expect(decide([allS3ButDeleteBucket], { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::any-bucket' })).toBe('allow');
  });

  it('"except for deleting a bucket"', () => {
    expect(decide([allS3ButDeleteBucket], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::any-bucket' })).toBe('implicit-deny');
  });

  it('"does not allow users to use the ListAllMyBuckets S3 API operation, because that action requires the "*" resource"', () => {
    expect(decide([allS3ButDeleteBucket], { action: 's3:ListAllMyBuckets', resource: '*' })).toBe('implicit-deny');
  });

  it('"does not allow actions in other services, because other service actions are not applicable to the S3 resources"', () => {
    expect(decide([allS3ButDeleteBucket], { action: 'ec2:DescribeInstances', resource: '*' })).toBe('implicit-deny');
    expect(decide([allS3ButDeleteBucket], { action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/u` })).toBe('implicit-deny');
  });

  const everythingButIam = doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
  it('"access every action in every AWS service except for IAM"', () => {
    expect(decide([everythingButIam], { action: 'ec2:RunInstances', resource: '*' })).toBe('allow');
    expect(decide([everythingButIam], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::b' })).toBe('allow');
    expect(decide([everythingButIam], { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${ACCOUNT}:user/u` })).toBe('implicit-deny');
  });
});

describe('[NOTA] NotAction with Deny: DenyAllUsersNotUsingMFA', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyAllUsersNotUsingMFA',
        Effect: 'Deny',
        NotAction: 'iam:*',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ],
  };
  const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });

  it('denies non-IAM actions to a user not signed in with MFA', () => {
    expect(decide([policy, allowAll], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:MultiFactorAuthPresent': 'false' } })).toBe(
      'explicit-deny',
    );
  });

  it('"If the user is signed in with MFA, then the Condition test fails and the final Deny statement has no effect"', () => {
    expect(decide([policy, allowAll], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:MultiFactorAuthPresent': 'true' } })).toBe('allow');
  });

  it('"this would not grant the user access to any actions"', () => {
    expect(decide([policy], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:MultiFactorAuthPresent': 'true' } })).toBe('implicit-deny');
  });

  it('IAM actions are not denied by it', () => {
    expect(decide([policy, allowAll], { action: 'iam:ListUsers', resource: '*', context: { 'aws:MultiFactorAuthPresent': 'false' } })).toBe('allow');
  });
});

describe('[NOTR] NotResource', () => {
  const hrPayroll = {
    Version: '2012-10-17',
    Statement: { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] },
  };
  const allowS3 = doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' });

  it('"explicitly denies access to all Amazon S3 resources other than the listed resources"', () => {
    expect(decide([hrPayroll, allowS3], { action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Other/file' })).toBe('explicit-deny');
    expect(decide([hrPayroll, allowS3], { action: 's3:GetObject', resource: 'arn:aws:s3:::AnotherBucket/x' })).toBe('explicit-deny');
    expect(decide([hrPayroll, allowS3], { action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Payroll/2024.csv' })).toBe('allow');
  });

  it('"users are automatically denied access to new folders"', () => {
    expect(decide([hrPayroll, allowS3], { action: 's3:PutObject', resource: 'arn:aws:s3:::HRBucket/NewFolder/x' })).toBe('explicit-deny');
  });

  it('"this policy does not grant the user access to any resources"', () => {
    expect(decide([hrPayroll], { action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Payroll/2024.csv' })).toBe('implicit-deny');
  });

  it('the policy only affects S3 actions', () => {
    const allowEc2 = doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    expect(decide([hrPayroll, allowEc2], { action: 'ec2:DescribeInstances', resource: '*' })).toBe('allow');
  });

  // "NotResource with other elements": never use Allow, Action "*", NotResource HRBucket — "it
  // allows all actions in AWS on all resources except the HRBucket S3 bucket"
  it('Allow + Action "*" + NotResource HRBucket allows everything except the bucket', () => {
    const dangerous = doc({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::HRBucket' });
    expect(decide([dangerous], { action: 'iam:PutUserPolicy', resource: `arn:aws:iam::${ACCOUNT}:user/me` })).toBe('allow');
    expect(decide([dangerous], { action: 'ec2:TerminateInstances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1` })).toBe('allow');
    expect(decide([dangerous], { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::HRBucket' })).toBe('implicit-deny');
  });
});

describe('[REGION] DenyAllOutsideEU', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyAllOutsideEU',
        Effect: 'Deny',
        NotAction: ['cloudfront:*', 'iam:*', 'route53:*', 'support:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] } },
      },
    ],
  };
  const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
  const at = (action: string, region: string) => decide([policy, allowAll], { action, resource: '*', context: { 'aws:RequestedRegion': region } });

  it('"denies access to any operations outside of the eu-central-1 and eu-west-1 Regions"', () => {
    expect(at('ec2:DescribeInstances', 'us-east-1')).toBe('explicit-deny');
    expect(at('ec2:DescribeInstances', 'eu-west-1')).toBe('allow');
    expect(at('ec2:DescribeInstances', 'eu-central-1')).toBe('allow');
  });

  it('"except for actions in the listed services"', () => {
    expect(at('iam:ListUsers', 'us-east-1')).toBe('allow');
    expect(at('cloudfront:ListDistributions', 'us-east-1')).toBe('allow');
  });

  it('"This policy does not allow any actions"', () => {
    expect(decide([policy], { action: 'ec2:DescribeInstances', resource: '*', context: { 'aws:RequestedRegion': 'eu-west-1' } })).toBe('implicit-deny');
  });
});

describe('[IP] deny outside the company ranges', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } } },
  };
  const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
  const from = (ip: string) => decide([policy, allowAll], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SourceIp': ip } });

  it('"denies access to all AWS actions in the account when the request comes from outside the specified IP range"', () => {
    expect(from('198.51.100.7')).toBe('explicit-deny');
    expect(from('192.0.2.10')).toBe('allow');
    expect(from('203.0.113.250')).toBe('allow');
  });

  it('"This policy does not allow any actions"', () => {
    expect(decide([policy], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SourceIp': '192.0.2.10' } })).toBe('implicit-deny');
  });
});

describe('[DATES] access within specific dates', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Action: 'service-prefix:action-name',
      Resource: '*',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' } },
    },
  };
  const at = (time: string) => decide([policy], { action: 'service-prefix:action-name', resource: '*', context: { 'aws:CurrentTime': time } });

  it('"restricted to actions that occur between July 1, 2017 and December 31, 2017 (UTC)"', () => {
    expect(at('2017-09-15T10:00:00Z')).toBe('allow');
    expect(at('2017-06-30T23:00:00Z')).toBe('implicit-deny');
    expect(at('2018-01-01T00:00:00Z')).toBe('implicit-deny');
  });
});

describe('[MFA] MFA-authenticated users manage their own credentials', () => {
  const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowViewAccountInfo', Effect: 'Allow', Action: ['iam:GetAccountPasswordPolicy', 'iam:GetAccountSummary', 'iam:ListVirtualMFADevices'], Resource: '*' },
      { Sid: 'AllowManageOwnPasswords', Effect: 'Allow', Action: ['iam:ChangePassword', 'iam:GetUser'], Resource: 'arn:aws:iam::*:user/${aws:username}' },
      {
        Sid: 'AllowManageOwnAccessKeys',
        Effect: 'Allow',
        Action: ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey'],
        Resource: 'arn:aws:iam::*:user/${aws:username}',
      },
      { Sid: 'AllowManageOwnVirtualMFADevice', Effect: 'Allow', Action: ['iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'], Resource: 'arn:aws:iam::*:mfa/${aws:username}' },
      {
        Sid: 'DenyAllExceptListedIfNoMFA',
        Effect: 'Deny',
        NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ListMFADevices', 'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken'],
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ],
  };
  const withMfa = { 'aws:username': 'alice', 'aws:MultiFactorAuthPresent': 'true' };

  it('"a user accessing an API with long-term credentials, such as an access key, is denied access to the non-IAM API operations"', () => {
    // an access-key request has no aws:MultiFactorAuthPresent: declared absent, BoolIfExists holds
    const request = { action: 'iam:CreateAccessKey', resource: userArn('alice'), context: { 'aws:username': 'alice' }, absentKeys: ['aws:MultiFactorAuthPresent'] };
    expect(decide([policy], request)).toBe('explicit-deny');
  });

  it('the listed actions stay usable without MFA, as far as other statements allow them', () => {
    const request = { action: 'iam:GetUser', resource: userArn('alice'), context: { 'aws:username': 'alice' }, absentKeys: ['aws:MultiFactorAuthPresent'] };
    expect(decide([policy], request)).toBe('allow');
  });

  it('with MFA, the user manages their own access keys and no one else\'s', () => {
    expect(decide([policy], { action: 'iam:CreateAccessKey', resource: userArn('alice'), context: withMfa })).toBe('allow');
    expect(decide([policy], { action: 'iam:CreateAccessKey', resource: userArn('bob'), context: withMfa })).toBe('implicit-deny');
    expect(decide([policy], { action: 'iam:CreateVirtualMFADevice', resource: `arn:aws:iam::${ACCOUNT}:mfa/alice`, context: withMfa })).toBe('allow');
  });

  it('"Users can\'t create or delete any virtual MFA device other than their own"', () => {
    expect(decide([policy], { action: 'iam:DeleteVirtualMFADevice', resource: `arn:aws:iam::${ACCOUNT}:mfa/bob`, context: withMfa })).toBe('implicit-deny');
  });
});

describe('[SETS] ForAllValues and ForAnyValue on dynamodb:requestedAttributes', () => {
  const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Thread`;
  const onlySomeAttributes = doc({
    Effect: 'Allow',
    Action: 'dynamodb:GetItem',
    Resource: table,
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] } },
  });
  const get = (attributes: string[]) => decide([onlySomeAttributes], { action: 'dynamodb:GetItem', resource: table, context: { 'dynamodb:requestedAttributes': attributes } });

  it('getting PostDateTime and Message "is allowed"', () => {
    expect(get(['PostDateTime', 'Message'])).toBe('allow');
  });

  it('a request that "includes the ID attribute ... fails"; so does PostDateTime with UserName', () => {
    expect(get(['PostDateTime', 'ID'])).toBe('implicit-deny');
    expect(get(['PostDateTime', 'UserName'])).toBe('implicit-deny');
  });

  const protectAttributes = doc(
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table },
    {
      Effect: 'Deny',
      Action: 'dynamodb:PutItem',
      Resource: table,
      Condition: { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } },
    },
  );
  const put = (attributes: string[]) => decide([protectAttributes], { action: 'dynamodb:PutItem', resource: table, context: { 'dynamodb:requestedAttributes': attributes } });

  it('updating PostDateTime and Message: "the request is denied"', () => {
    expect(put(['PostDateTime', 'Message'])).toBe('explicit-deny');
    expect(put(['UserName', 'Message', 'PostDateTime'])).toBe('explicit-deny');
  });

  it('PutItem with just UserName "is not denied by this policy"', () => {
    expect(put(['UserName'])).toBe('allow');
  });

  it('"an empty data set": ForAllValues returns true and ForAnyValue false', () => {
    expect(get([])).toBe('allow');
    expect(put([])).toBe('allow');
  });
});

describe('[OPS] condition operators: IfExists, Null, absent keys', () => {
  const runInstances = (instanceType: string | undefined, statement: Record<string, unknown>) =>
    decide([doc(statement)], {
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:image/ami-1`,
      context: instanceType === undefined ? {} : { 'ec2:InstanceType': instanceType },
      absentKeys: '*',
    });
  const types = ['t1.*', 't2.*', 'm3.*'];

  it('THISPOLICYDOESNOTWORK: StringLike fails on resources without ec2:InstanceType', () => {
    const s = { Sid: 'THISPOLICYDOESNOTWORK', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringLike: { 'ec2:InstanceType': types } } };
    expect(runInstances(undefined, s)).toBe('implicit-deny');
    expect(runInstances('t2.micro', s)).toBe('allow');
  });

  it('StringLikeIfExists passes resources without the key and still tests those with it', () => {
    const s = { Sid: 'RunInstance', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringLikeIfExists: { 'ec2:InstanceType': types } } };
    expect(runInstances(undefined, s)).toBe('allow');
    expect(runInstances('t2.micro', s)).toBe('allow');
    expect(runInstances('c5.large', s)).toBe('implicit-deny');
  });

  it('Null "aws:TokenIssueTime": "true" — the user must not be using temporary credentials', () => {
    const s = { Action: 'ec2:*', Effect: 'Allow', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } };
    const request = { action: 'ec2:DescribeInstances', resource: '*' };
    expect(decide([doc(s)], { ...request, absentKeys: ['aws:TokenIssueTime'] })).toBe('allow');
    expect(decide([doc(s)], { ...request, context: { 'aws:TokenIssueTime': '2024-05-01T00:00:00Z' } })).toBe('implicit-deny');
  });

  it('aws:PrincipalTag/job-category absent: "the condition returns false and the request is implicitly denied"', () => {
    const s = {
      Effect: 'Allow',
      Action: 'iam:*AccessKey*',
      Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
      Condition: { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
    };
    const request = { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${ACCOUNT}:user/u` };
    expect(decide([doc(s)], { ...request, absentKeys: '*' })).toBe('implicit-deny');
    expect(decide([doc(s)], { ...request, context: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } })).toBe('allow');
  });

  it('BooleanExample: deny S3 on the bucket when not over SSL', () => {
    const s = { Sid: 'BooleanExample', Action: 's3:*', Effect: 'Deny', Resource: ['arn:aws:s3:::DOC-EXAMPLE-BUCKET', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const allowS3 = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
    const at = (secure: string) => decide([doc(s, allowS3)], { action: 's3:GetObject', resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/k', context: { 'aws:SecureTransport': secure } });
    expect(at('false')).toBe('explicit-deny');
    expect(at('true')).toBe('allow');
  });
});

describe('[VARS] policy variables', () => {
  const homeDirectories = {
    Version: '2012-10-17',
    Statement: [
      { Action: ['s3:ListBucket'], Effect: 'Allow', Resource: ['arn:aws:s3:::mybucket'], Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } } },
      { Action: ['s3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: ['arn:aws:s3:::mybucket/${aws:username}/*'] },
    ],
  };
  const as = (user: string, action: string, resource: string, extra: Record<string, string> = {}) =>
    decide([homeDirectories], { action, resource, context: { 'aws:username': user, ...extra } });

  it('"IAM replaces the variable ${aws:username} with the friendly name of the actual current user"', () => {
    expect(as('David', 's3:GetObject', 'arn:aws:s3:::mybucket/David/notes.txt')).toBe('allow');
    expect(as('David', 's3:GetObject', 'arn:aws:s3:::mybucket/Adele/notes.txt')).toBe('implicit-deny');
    expect(as('David', 's3:ListBucket', 'arn:aws:s3:::mybucket', { 's3:prefix': 'David/' })).toBe('allow');
    expect(as('David', 's3:ListBucket', 'arn:aws:s3:::mybucket', { 's3:prefix': 'Adele/' })).toBe('implicit-deny');
  });

  it('"If you don\'t include the Version element ... variables like ${aws:username} are treated as literal strings"', () => {
    const { Version: _dropped, ...noVersion } = homeDirectories;
    expect(decide([noVersion], { action: 's3:GetObject', resource: 'arn:aws:s3:::mybucket/David/notes.txt', context: { 'aws:username': 'David' } })).toBe('implicit-deny');
    expect(decide([noVersion], { action: 's3:GetObject', resource: 'arn:aws:s3:::mybucket/${aws:username}/notes.txt' })).toBe('allow');
  });

  it('queues named after the user, in us-east-2', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListForConsole', Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
        { Sid: 'AllQueueActions', Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:us-east-2:*:${aws:username}-queue' },
      ],
    };
    const q = (region: string, name: string) => decide([policy], { action: 'sqs:SendMessage', resource: `arn:aws:sqs:${region}:${ACCOUNT}:${name}`, context: { 'aws:username': 'alice' } });
    expect(q('us-east-2', 'alice-queue')).toBe('allow');
    expect(q('us-east-2', 'bob-queue')).toBe('implicit-deny');
    expect(q('eu-west-1', 'alice-queue')).toBe('implicit-deny');
  });

  it('a bucket named after the principal\'s department tag', () => {
    const policy = doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::bucket/${aws:PrincipalTag/department}'] });
    const list = (department: string, resource: string) => decide([policy], { action: 's3:ListBucket', resource, context: { 'aws:PrincipalTag/department': department } });
    expect(list('hr', 'arn:aws:s3:::bucket/hr')).toBe('allow');
    expect(list('hr', 'arn:aws:s3:::bucket/finance')).toBe('implicit-deny');
  });
});

// Actions whose response carries credentials: keys, tokens, passwords. The list is Cloudsplaining's
// ACTIONS_THAT_RETURN_CREDENTIALS (cloudsplaining/shared/constants.py, BSD-3-Clause; maintained
// from https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a), in the catalog's
// spelling, without the two entries the catalog does not know (connect:GetFederationTokens,
// sso:GetRoleCredentials) and with its gamelist: typo read as gamelift:. Three are handled
// elsewhere: sts:AssumeRole is a role chain on a named role and privilege escalation on `*`, and
// a container registry token (ecr:, ecr-public:GetAuthorizationToken) is what pulling an image
// needs and takes only `*`, so it is expected on a workload role.

export const CREDENTIAL_RETURNING_ACTIONS: readonly string[] = [
  'airflow:CreateCliToken',
  'airflow:CreateWebLoginToken',
  'appsync:CreateApiKey',
  'chime:CreateApiKey',
  'cloud9:CreateEnvironmentToken',
  'codeartifact:GetAuthorizationToken',
  'codepipeline:PollForJobs',
  'cognito-identity:GetOpenIdToken',
  'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
  'cognito-identity:GetCredentialsForIdentity',
  'cognito-idp:GetSigningCertificate',
  'connect:GetFederationToken',
  'ec2:GetPasswordData',
  'emr-containers:GetManagedEndpointSessionCredentials',
  'finspace-api:GetProgrammaticAccessCredentials',
  'gamelift:RequestUploadCredentials',
  'gamelift:GetInstanceAccess',
  'gamelift:GetComputeAccess',
  'gamelift:GetComputeAuthToken',
  'grafana:CreateWorkspaceApiKey',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
  'iam:UpdateAccessKey',
  'license-manager:GetAccessToken',
  'lightsail:GetInstanceAccessDetails',
  'lightsail:DownloadDefaultKeyPair',
  'lightsail:CreateBucketAccessKey',
  'lightsail:GetRelationalDatabaseMasterUserPassword',
  'mediapackage:RotateChannelCredentials',
  'mediapackage:RotateIngestEndpointCredentials',
  'rds-db:connect',
  'redshift:GetClusterCredentials',
  'redshift:GetClusterCredentialsWithIAM',
  'redshift-serverless:GetCredentials',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:GetFederationToken',
  'sts:GetSessionToken',
];

/**
 * Secret stores: reading a named secret or parameter is what workloads do; reading every one is
 * credential exposure (Cloudsplaining counts these among its data-exfiltration actions).
 */
export const SECRET_READING_ACTIONS: readonly string[] = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:GetParameterHistory',
];

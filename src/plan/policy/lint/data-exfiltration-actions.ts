// Read actions that copy data out when not limited to named resources. Cloudsplaining's
// READ_ONLY_DATA_EXFILTRATION_ACTIONS (cloudsplaining/shared/constants.py, BSD-3-Clause) gives
// s3:GetObject, and its DataExfiltration risk definition names RDS snapshot copies; the secret
// readers of that list are linted as credential exposure (credential-actions.ts). Added here:
// object versions (the same data), kms:Decrypt (the key to everything encrypted), cluster
// snapshots, and table scans.

export const DATA_EXFILTRATION_ACTIONS: readonly string[] = [
  's3:GetObject',
  's3:GetObjectVersion',
  'kms:Decrypt',
  'rds:CopyDBSnapshot',
  'rds:CreateDBSnapshot',
  'rds:CopyDBClusterSnapshot',
  'rds:CreateDBClusterSnapshot',
  'dynamodb:Scan',
];

// What the verify steps and finalize ask CloudTrail: the calls a role's sessions made from given
// instances, and the calls (failed ones especially) made with an access key. Sources: a local
// directory or s3:// trail (the usage sources), or the LookupEvents API (management events only).
export interface RoleCall {
  /** `service:Action` */
  action: string;
  resource: string;
  /** the session name of an EC2 role session is the instance ID */
  instanceId: string | null;
  at: Date;
  /** errorCode of a failed call (AccessDenied ...), null when it succeeded */
  errorCode: string | null;
}

export interface KeyCall {
  action: string;
  at: Date;
  sourceIp: string | null;
  errorCode: string | null;
}

export interface RoleEvidence {
  /** a description for messages: "trail directory ./trail", "CloudTrail LookupEvents in us-east-1" */
  readonly describe: string;
  /** calls made under the role's sessions since `since` */
  roleCalls(roleName: string, since: Date, signal: AbortSignal): Promise<RoleCall[]>;
  /** calls made with the access key since `since` (successful and failed) */
  keyCalls(accessKeyId: string, since: Date, signal: AbortSignal): Promise<KeyCall[]>;
}

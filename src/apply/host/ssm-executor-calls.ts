// The Systems Manager calls of the SSM host executor, for the one table of AWS calls
// (src/aws/aws-calls.ts) and so for `keyshift permissions apply`. GetCommandInvocation is
// already listed by the SSM scan.
import type { AwsCall } from '../../aws/aws-calls.js';

export const HOST_EXECUTOR_SSM_CALLS: AwsCall[] = [
  { action: 'ssm:GetDocument', commands: ['GetDocumentCommand'], use: 'apply', why: "apply: whether keyshift's cutover document for this payload exists, and is the payload" },
  { action: 'ssm:CreateDocument', commands: ['CreateDocumentCommand'], use: 'apply', why: 'apply: makes keyshift-cutover-<digest>, the document that carries the cutover payload' },
  { action: 'ssm:SendCommand', commands: ['SendCommandCommand'], use: 'apply', why: 'apply: runs keyshift-cutover-<digest> on the instances whose files hold a key' },
];

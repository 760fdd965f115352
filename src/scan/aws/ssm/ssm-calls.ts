// The Systems Manager calls of `scan aws --ssm`, for the one table of AWS calls (and so for
// `keyshift permissions`). The reads belong to the read-only scan policy; SendCommand runs
// keyshift's host payload on instances, so it is kept out of it, in its own `ssm` job
// (`keyshift permissions ssm`).
import type { AwsCall } from '../../../aws/aws-calls.js';

export const SSM_CALLS: AwsCall[] = [
  { action: 'ssm:DescribeInstanceInformation', commands: ['DescribeInstanceInformationCommand'], use: 'scan', why: 'scan aws --ssm: which instances Systems Manager manages, online, and on Linux' },
  { action: 'ssm:SendCommand', commands: ['SendCommandCommand'], use: 'ssm', why: 'scan aws --ssm: runs the host payload (AWS-RunShellScript) on managed Linux instances' },
  { action: 'ssm:ListCommandInvocations', commands: ['ListCommandInvocationsCommand'], use: 'scan', why: "scan aws --ssm: each instance's command status, fifty at a time" },
  { action: 'ssm:GetCommandInvocation', commands: ['GetCommandInvocationCommand'], use: 'scan', why: "scan aws --ssm: each instance's payload output" },
];

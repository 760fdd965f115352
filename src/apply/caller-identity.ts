// Who keyshift runs as: the account (a plan for another account is refused) and the access
// key ID of its own credentials (keyshift never deactivates the key it is running with).
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsContext } from '../aws/aws-context.js';
import { asAwsRefused } from '../aws/aws-error.js';

export interface CallerIdentity {
  account: string;
  arn: string;
  accessKeyId: string | null;
}

export async function callerIdentity(aws: AwsContext): Promise<CallerIdentity> {
  const sts = aws.client(STSClient);
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    const credentials = await sts.config.credentials();
    return { account: who.Account ?? '', arn: who.Arn ?? '', accessKeyId: credentials.accessKeyId || null };
  } catch (e) {
    throw asAwsRefused(e, 'sts:GetCallerIdentity');
  }
}

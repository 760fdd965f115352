// The IAM credential report, the only place that shows the root user's access keys. IAM
// builds it asynchronously: GenerateCredentialReport until COMPLETE (bounded), then
// GetCredentialReport. The report is CSV; see root-keys.ts.
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { throwIfAborted } from '../../../errors.js';
import { namedError, nullWhen } from './expected-errors.js';
import { sendOptions, type IamScanContext } from './iam-context.js';

const PART = "root access keys (the account's credential report)";
const POLL_MS = 2_000;
const MAX_POLLS = 30;

/** The report's CSV text, or undefined when it could not be read (recorded as incomplete). */
export async function readCredentialReport(ctx: IamScanContext): Promise<string | undefined> {
  const iam = ctx.aws.client(IAMClient);
  const ready = await ctx.incomplete.attempt({ action: 'iam:GenerateCredentialReport', region: null, part: PART }, async () => {
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      throwIfAborted(ctx.signal);
      const out = await iam.send(new GenerateCredentialReportCommand({}), sendOptions(ctx));
      if (out.State === 'COMPLETE') return true;
      await ctx.sleep(POLL_MS, ctx.signal);
    }
    throw namedError('CredentialReportNotReady', `the credential report was not ready after ${(MAX_POLLS * POLL_MS) / 1000} s`);
  });
  if (!ready) return undefined;
  return ctx.incomplete.attempt({ action: 'iam:GetCredentialReport', region: null, part: PART }, async () => {
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      // "not ready" right after COMPLETE is a race on IAM's side: wait and ask again
      const out = await nullWhen(['CredentialReportNotReadyException'], () => iam.send(new GetCredentialReportCommand({}), sendOptions(ctx)));
      if (out) return Buffer.from(out.Content ?? new Uint8Array()).toString('utf8');
      await ctx.sleep(POLL_MS, ctx.signal);
    }
    throw namedError('CredentialReportNotReady', 'the credential report stayed not ready');
  });
}

// Recorded CloudTrail LookupEvents answers for tests: moto has no LookupEvents, so a middleware
// on the real SDK client answers the command from `pages` (and records each request), while
// every other part of the client (serialisation of the input, the retry and paging code of the
// source under test) runs for real.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { AwsContext } from '../../src/aws/aws-context.js';
import type { Clock } from '../../src/usage/sources/clock.js';

export interface SentLookup<I> {
  region: string;
  at: number;
  input: I;
}

/** Answers LookupEvents in `region` of `aws` from `pages`, recording each request in `sent` at the clock's time. */
export function answerLookupEvents<I>(aws: AwsContext, region: string, pages: (input: I, region: string) => object, sent: SentLookup<I>[], clock: Clock): void {
  const client = aws.client(CloudTrailClient, region) as unknown as { middlewareStack: { add(mw: unknown, o: unknown): void } };
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: I }) => {
      if (context.commandName !== 'LookupEventsCommand') return next(args);
      sent.push({ region, at: clock.now(), input: args.input });
      return { output: { ...pages(args.input, region), $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'recordedLookupEvents' },
  );
}

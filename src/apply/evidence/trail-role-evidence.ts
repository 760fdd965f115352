// RoleEvidence read from a trail's log files: a local folder (as `aws s3 sync` leaves it) or the
// trail's bucket (s3://bucket/prefix), through the usage sources, which read only the date
// folders from `since` on. Every question reads the trail afresh: new files arrive as CloudTrail
// delivers them (about 5 to 15 minutes after a call), and a verify step is asked again on
// `apply --resume`, not polled within a run.
//
// A trail holds data events only when its selectors record them; what it does not record, the
// verify step waits for in vain and says so in its message.
import type { AwsContext } from '../../aws/aws-context.js';
import { KeyshiftError, usageError } from '../../errors.js';
import { SkipCounter, type CloudTrailEvent } from '../../usage/cloudtrail-event.js';
import { isAwsSource, sourceFor } from '../../usage/sources/source-for.js';
import type { KeyCall, RoleCall, RoleEvidence } from '../role-evidence.js';
import { byTime, keyCallOf, roleCallsOf } from './calls-from-events.js';

export interface TrailRoleEvidenceOptions {
  /** a local folder (or one file) of CloudTrail logs, or s3://bucket/prefix */
  from: string;
  /** the AWS connection, made only for s3:// */
  aws: () => AwsContext;
  /** only this account's role sessions (an organization trail holds every account's); null: any */
  account: string | null;
}

function checkedSpec(from: string): string {
  if (from === 'lookup-events') throw usageError('a trail evidence source is a folder or s3://bucket/prefix', 'for CloudTrail LookupEvents use the LookupEvents evidence');
  if (from === 'athena' || from.startsWith('athena-result:')) {
    throw usageError(`${from} cannot be verify evidence: Athena's per-key aggregate has no role sessions or call times`, 'pass the trail folder or s3://bucket/prefix');
  }
  return from;
}

export function trailRoleEvidence(options: TrailRoleEvidenceOptions): RoleEvidence {
  const from = checkedSpec(options.from);
  const describe = from.startsWith('s3://') ? `trail bucket ${from}` : `trail directory ${from}`;

  /** Every well-formed record from `since` on; the skips say what could not be read. */
  async function read(since: Date, signal: AbortSignal, visit: (event: CloudTrailEvent) => void): Promise<SkipCounter> {
    const source = sourceFor(from, {
      window: { since, until: null },
      aws: options.aws,
      regions: [],
      keys: undefined,
      athena: { run: false },
    });
    const skips = new SkipCounter();
    await source.read(visit, skips, signal);
    return skips;
  }

  return {
    describe,
    async roleCalls(roleName: string, since: Date, signal: AbortSignal): Promise<RoleCall[]> {
      const calls: RoleCall[] = [];
      // unreadable files can only hide calls: the verify step then waits, which is safe
      await read(since, signal, (event) => {
        for (const call of roleCallsOf(event, roleName, options.account)) calls.push(call);
      });
      return byTime(calls);
    },
    async keyCalls(accessKeyId: string, since: Date, signal: AbortSignal): Promise<KeyCall[]> {
      const calls: KeyCall[] = [];
      const skips = await read(since, signal, (event) => {
        const call = keyCallOf(event, accessKeyId);
        if (call !== null) calls.push(call);
      });
      // an unreadable file could hide the key's use, and "no calls" lets a key be deactivated or deleted
      if (skips.faults > 0) {
        const counts = Object.entries(skips.toRecord())
          .filter(([reason]) => reason !== 'outside-window')
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', ');
        throw new KeyshiftError('safety-gate', `part of the ${describe} since ${since.toISOString()} could not be read (${counts}): calls made with ${accessKeyId} cannot be ruled out`, {
          hint: isAwsSource(from) ? 'check read access to every log object of the trail bucket (and kms:Decrypt on its key)' : 'repair or remove the unreadable log files, then run again',
        });
      }
      return byTime(calls);
    },
  };
}

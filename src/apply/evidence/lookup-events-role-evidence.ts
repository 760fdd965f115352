// RoleEvidence from CloudTrail's LookupEvents API, for accounts whose trail keyshift cannot read.
// Its limits decide what it can verify:
// - management events only: data events (S3 object calls, DynamoDB item calls, Lambda Invoke,
//   ...) never appear, so a workload whose own calls are all data events is never seen here;
// - one region per request, the last 90 days, two requests per second per account and region
//   (one limiter per region, shared by every question this evidence is asked in a run);
// - one lookup attribute per request. A key's calls are found by AccessKeyId. A role's calls
//   have no attribute of their own: for an assumed-role session LookupEvents' Username is the
//   session name, and an EC2 instance's session is named after the instance, so a role's calls
//   are looked up by Username = each of its instances' IDs (in the instance's region) and kept
//   when made under that role. Instances the plan does not name (an Auto Scaling group's
//   replacements) are not looked up.
// Key calls are looked up in the given regions and us-east-1, where IAM and the other global
// services record theirs.
import { CloudTrailClient, LookupEventsCommand, type LookupAttributeKey, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { AwsContext } from '../../aws/aws-context.js';
import { asAwsRefused } from '../../aws/aws-error.js';
import { isKeyshiftError, throwIfAborted } from '../../errors.js';
import type { PlanDocument } from '../../model/plan.js';
import { SkipCounter, type CloudTrailEvent } from '../../usage/cloudtrail-event.js';
import { checkedAccessKeyIds } from '../../usage/sources/access-key-ids.js';
import { forEachConcurrent } from '../../usage/sources/concurrent.js';
import { realClock, type Clock } from '../../usage/sources/clock.js';
import { LOOKUP_EVENTS_PER_SECOND, lookupEventsRange } from '../../usage/sources/lookup-events-source.js';
import { RecordSink } from '../../usage/sources/parse-log-file.js';
import { RateLimiter } from '../../usage/sources/rate-limiter.js';
import type { KeyCall, RoleCall, RoleEvidence } from '../role-evidence.js';
import { byTime, keyCallOf, roleCallsOf } from './calls-from-events.js';

const PAGE_SIZE = 50;
/** where IAM, STS's global endpoint and other global services record their calls */
const GLOBAL_SERVICES_REGION = 'us-east-1';

export interface RoleInstance {
  instanceId: string;
  region: string;
}

export interface LookupEventsRoleEvidenceOptions {
  aws: AwsContext;
  /** regions to look in for a key's calls (us-east-1 is always added) */
  regions: readonly string[];
  /** each role's instances, by role name: their IDs are the role's EC2 session names */
  roleInstances: ReadonlyMap<string, readonly RoleInstance[]>;
  /** only this account's role sessions; null: any */
  account: string | null;
  clock?: Clock;
  requestsPerSecond?: number;
}

/** Each workload role's instances, from the plan. */
export function roleInstancesOf(plan: PlanDocument): Map<string, RoleInstance[]> {
  const out = new Map<string, RoleInstance[]>();
  for (const w of plan.workloads) {
    const list = out.get(w.role.name) ?? [];
    for (const i of w.instances) if (!list.some((x) => x.instanceId === i.instanceId)) list.push({ instanceId: i.instanceId, region: i.region });
    out.set(w.role.name, list);
  }
  return out;
}

/** RoleEvidence that also says it cannot show data events (the verify step leaves those unchecked). */
export type ManagementEventsEvidence = RoleEvidence & { readonly recordsDataEvents: false };

export function lookupEventsRoleEvidence(options: LookupEventsRoleEvidenceOptions): ManagementEventsEvidence {
  const clock = options.clock ?? realClock;
  const keyRegions = [...new Set([...options.regions, GLOBAL_SERVICES_REGION])].sort();
  const limiters = new Map<string, RateLimiter>();
  const limiter = (region: string) => {
    let l = limiters.get(region);
    if (l === undefined) {
      l = new RateLimiter(options.requestsPerSecond ?? LOOKUP_EVENTS_PER_SECOND, clock);
      limiters.set(region, l);
    }
    return l;
  };

  /** Every record LookupEvents returns for one attribute in one region since `since`. */
  async function lookup(region: string, key: LookupAttributeKey, value: string, since: Date, signal: AbortSignal, visit: (event: CloudTrailEvent) => void): Promise<void> {
    const range = lookupEventsRange({ since, until: null }, clock.now());
    if (range === null) return;
    const client = options.aws.client(CloudTrailClient, region);
    // the same checks as log files; what fails them is not evidence either way
    const sink = new RecordSink({ since, until: null }, new SkipCounter(), visit);
    let token: string | undefined;
    do {
      await limiter(region).acquire(signal);
      const input: LookupEventsCommandInput = { StartTime: range.start, EndTime: range.end, MaxResults: PAGE_SIZE, NextToken: token, LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] };
      let page;
      try {
        page = await client.send(new LookupEventsCommand(input), { abortSignal: signal });
      } catch (e) {
        throwIfAborted(signal);
        if (isKeyshiftError(e)) throw e;
        throw asAwsRefused(e, 'cloudtrail:LookupEvents');
      }
      for (const event of page.Events ?? []) {
        if (typeof event.CloudTrailEvent !== 'string') continue;
        let record: unknown;
        try {
          record = JSON.parse(event.CloudTrailEvent);
        } catch {
          continue;
        }
        sink.accept(record);
      }
      token = page.NextToken;
    } while (token !== undefined && token !== '');
  }

  const regionsOfRoles = [...new Set([...options.roleInstances.values()].flat().map((i) => i.region))].sort();
  return {
    recordsDataEvents: false,
    describe: `CloudTrail LookupEvents (management events only, last 90 days; roles by their instances' session names) in ${[...new Set([...regionsOfRoles, ...keyRegions])].sort().join(', ')}`,
    async roleCalls(roleName: string, since: Date, signal: AbortSignal): Promise<RoleCall[]> {
      const calls: RoleCall[] = [];
      const byRegion = new Map<string, string[]>();
      for (const i of options.roleInstances.get(roleName) ?? []) byRegion.set(i.region, [...(byRegion.get(i.region) ?? []), i.instanceId]);
      // the limit is per region: regions run side by side, instances of one region in turn
      await forEachConcurrent(
        [...byRegion],
        Math.max(1, byRegion.size),
        async ([region, instanceIds]) => {
          for (const instanceId of instanceIds) {
            await lookup(region, 'Username', instanceId, since, signal, (event) => {
              for (const call of roleCallsOf(event, roleName, options.account)) calls.push(call);
            });
          }
        },
        signal,
      );
      return byTime(calls);
    },
    async keyCalls(accessKeyId: string, since: Date, signal: AbortSignal): Promise<KeyCall[]> {
      const [key] = checkedAccessKeyIds([accessKeyId]);
      const calls: KeyCall[] = [];
      await forEachConcurrent(
        keyRegions,
        keyRegions.length,
        (region) =>
          lookup(region, 'AccessKeyId', key!, since, signal, (event) => {
            const call = keyCallOf(event, key!);
            if (call !== null) calls.push(call);
          }),
        signal,
      );
      return byTime(calls);
    },
  };
}

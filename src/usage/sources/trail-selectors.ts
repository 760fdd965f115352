// What the account's trails record, read from CloudTrail itself (DescribeTrails, then
// GetEventSelectors for each trail), so coverage can say what the evidence cannot show instead
// of inferring it from the events. Each region lists the trails that apply to it, a
// multi-region trail in every one, so trails are collected across regions by ARN and their
// selectors read once, in their home region.
//
// Both selector forms are read:
// - basic: IncludeManagementEvents and ReadWriteType (All, ReadOnly, WriteOnly); DataResources'
//   types (AWS::S3::Object, AWS::Lambda::Function, …);
// - advanced: eventCategory = Management, narrowed by readOnly = true / false; eventCategory =
//   Data with resources.type. Narrowing by eventSource or by resource ARN is not modelled: a
//   selector counts for its whole category and type.
// A trail with no selectors at all records CloudTrail's default: every management event.
import type { AdvancedEventSelector, EventSelector, GetEventSelectorsCommandOutput, Trail } from '@aws-sdk/client-cloudtrail';
import type { AwsContext } from '../../aws/aws-context.js';
import { asAwsRefused } from '../../aws/aws-error.js';
import { throwIfAborted } from '../../errors.js';
import type { TrailSelectors } from '../evidence-stats.js';
import { forEachConcurrent } from './concurrent.js';

/** Regions and trails read at the same time. */
const CONCURRENCY = 4;

interface Recorded {
  read: boolean;
  write: boolean;
  dataEventTypes: Set<string>;
}

function fromBasic(selectors: readonly EventSelector[], into: Recorded): void {
  for (const s of selectors) {
    if (s.IncludeManagementEvents !== false) {
      const mode = s.ReadWriteType ?? 'All';
      if (mode !== 'WriteOnly') into.read = true;
      if (mode !== 'ReadOnly') into.write = true;
    }
    for (const r of s.DataResources ?? []) if (r.Type) into.dataEventTypes.add(r.Type);
  }
}

/** The values a field selector admits by equality (advanced selectors name categories and types that way). */
function equalsOf(selector: AdvancedEventSelector, field: string): string[] | null {
  const f = selector.FieldSelectors?.find((x) => x.Field === field);
  return f?.Equals ?? null;
}

/** Which of read (true) and write (false) an advanced selector's readOnly field lets through. */
function readOnlyModes(selector: AdvancedEventSelector): { read: boolean; write: boolean } {
  const f = selector.FieldSelectors?.find((x) => x.Field === 'readOnly');
  if (f === undefined) return { read: true, write: true };
  const admits = (v: 'true' | 'false') => (f.Equals === undefined || f.Equals.includes(v)) && !(f.NotEquals ?? []).includes(v);
  return { read: admits('true'), write: admits('false') };
}

function fromAdvanced(selectors: readonly AdvancedEventSelector[], into: Recorded): void {
  for (const s of selectors) {
    const category = equalsOf(s, 'eventCategory') ?? [];
    if (category.includes('Management')) {
      const { read, write } = readOnlyModes(s);
      into.read ||= read;
      into.write ||= write;
    }
    if (category.includes('Data')) for (const t of equalsOf(s, 'resources.type') ?? []) into.dataEventTypes.add(t);
  }
}

/** What one trail's selectors record. */
export function recordedBySelectors(out: Pick<GetEventSelectorsCommandOutput, 'EventSelectors' | 'AdvancedEventSelectors'>): Pick<TrailSelectors, 'managementEvents' | 'dataEventTypes'> {
  const basic = out.EventSelectors ?? [];
  const advanced = out.AdvancedEventSelectors ?? [];
  const recorded: Recorded = { read: false, write: false, dataEventTypes: new Set() };
  if (basic.length === 0 && advanced.length === 0) {
    recorded.read = recorded.write = true;
  } else {
    fromBasic(basic, recorded);
    fromAdvanced(advanced, recorded);
  }
  const managementEvents = recorded.read && recorded.write ? 'all' : recorded.read ? 'read-only' : recorded.write ? 'write-only' : 'none';
  return { managementEvents, dataEventTypes: [...recorded.dataEventTypes].sort() };
}

function regionOfArn(arn: string): string | null {
  return arn.split(':')[3] || null;
}

/** The trails that apply to the given regions, with what each records; sorted by ARN. */
export async function readTrailSelectors(aws: AwsContext, regions: readonly string[], signal?: AbortSignal): Promise<TrailSelectors[]> {
  const sendOptions = signal ? { abortSignal: signal } : {};
  // the SDK's module is loaded here, so `usage --from DIR` starts without it
  const { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand } = await import('@aws-sdk/client-cloudtrail');
  const trails = new Map<string, Trail>();
  await forEachConcurrent(
    [...new Set(regions)],
    CONCURRENCY,
    async (region) => {
      try {
        const out = await aws.client(CloudTrailClient, region).send(new DescribeTrailsCommand({ includeShadowTrails: true }), sendOptions);
        for (const t of out.trailList ?? []) if (t.TrailARN && !trails.has(t.TrailARN)) trails.set(t.TrailARN, t);
      } catch (e) {
        throwIfAborted(signal);
        throw asAwsRefused(e, 'cloudtrail:DescribeTrails');
      }
    },
    signal,
  );

  const result: TrailSelectors[] = [];
  await forEachConcurrent(
    [...trails.values()],
    CONCURRENCY,
    async (trail) => {
      const arn = trail.TrailARN!;
      const homeRegion = trail.HomeRegion ?? regionOfArn(arn) ?? aws.region;
      let out: GetEventSelectorsCommandOutput;
      try {
        out = await aws.client(CloudTrailClient, homeRegion).send(new GetEventSelectorsCommand({ TrailName: arn }), sendOptions);
      } catch (e) {
        throwIfAborted(signal);
        // deleted between the two calls: it records nothing any more
        if ((e as { name?: string } | null)?.name === 'TrailNotFoundException') return;
        throw asAwsRefused(e, 'cloudtrail:GetEventSelectors');
      }
      result.push({ trailArn: arn, multiRegion: trail.IsMultiRegionTrail === true, homeRegion, ...recordedBySelectors(out) });
    },
    signal,
  );
  return result.sort((a, b) => (a.trailArn < b.trailArn ? -1 : a.trailArn > b.trailArn ? 1 : 0));
}

// Evidence gaps: where IAM's own records (a key's last use, a user's service-last-accessed)
// show activity that the evidence does not, or where the evidence cannot see a service the
// key uses at all. The planner will not deactivate a key with an open gap, so each gap
// names the key, the service and the dates a reviewer needs to close it.
import type { AccessKey, InventoryDocument, ServiceLastAccessed } from '../../model/inventory.js';
import { EvidenceGap as EvidenceGapSchema, type EvidenceGap, type KeyUsage } from '../../model/usage.js';
import { dataEventService } from './data-event-services.js';
import type { EvidenceIndex, KeyEvidence } from './key-evidence.js';
import type { Recording } from './recording.js';

/** IAM's last-used dates and CloudTrail's event times may differ by rounding: a minute is not a gap. */
const LAST_USED_TOLERANCE_MS = 60_000;

/** gaps of one key are listed in the order the model declares the reasons */
const REASON_ORDER: readonly EvidenceGap['reason'][] = EvidenceGapSchema.shape.reason.options;

export interface GapInput {
  keys: readonly KeyUsage[];
  evidence: EvidenceIndex;
  inventory: InventoryDocument | undefined;
  recording: Recording;
  /** from when the evidence claims to see everything: the window's start, else its first event */
  spanFrom: string | null;
  /** when it stops: its last event, else the window's end */
  spanTo: string | null;
}

interface Subject {
  accessKeyId: string;
  userName: string | null;
  label: string;
}

interface Span {
  from: number | null;
  to: number | null;
  fromText: string | null;
  toText: string | null;
}

function ms(text: string | null): number | null {
  return text === null ? null : Date.parse(text);
}

/** IAM writes "N/A" where there is nothing; the scanner already maps it to null, but not every inventory is ours. */
function known(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' || value === 'N/A' ? null : value;
}

function inSpan(at: number, span: Span): boolean {
  return span.from === null || at >= span.from;
}

function when(at: number, atText: string, span: Span): string {
  if (span.to !== null && at > span.to) return `at ${atText}, after the evidence ends at ${span.toText}`;
  if (span.fromText !== null) return `at ${atText}, inside the evidence span from ${span.fromText}`;
  return `at ${atText}, while the evidence holds no events`;
}

function gap(subject: Subject, service: string, reason: EvidenceGap['reason'], detail: string): EvidenceGap {
  return { accessKeyId: subject.accessKeyId, userName: subject.userName, service, reason, detail };
}

function serviceLastAccessedGaps(subject: Subject & { userName: string }, sla: ServiceLastAccessed | undefined, userServices: ReadonlySet<string>, span: Span): EvidenceGap[] {
  const user = subject.userName;
  if (!sla) return [gap(subject, '*', 'service-last-accessed-unavailable', `the inventory has no service-last-accessed data for user ${user}: services ${subject.accessKeyId} used outside the evidence cannot be checked`)];
  if (sla.status !== 'COMPLETED') {
    return [gap(subject, '*', 'service-last-accessed-unavailable', `service-last-accessed data for user ${user} is ${sla.status}: services ${subject.accessKeyId} used outside the evidence cannot be checked`)];
  }
  const gaps: EvidenceGap[] = [];
  for (const s of sla.services) {
    if (s.lastAuthenticated === null) continue;
    const at = Date.parse(s.lastAuthenticated);
    const service = s.serviceNamespace.toLowerCase();
    if (!inSpan(at, span) || userServices.has(service)) continue;
    gaps.push(
      gap(
        subject,
        service,
        'service-last-accessed-not-in-evidence',
        `IAM service-last-accessed says user ${user} used ${service} ${when(at, s.lastAuthenticated, span)}, but the evidence holds no ${service} call by any key of ${user} (${subject.accessKeyId} is one)`,
      ),
    );
  }
  return gaps;
}

function lastUsedGaps(subject: Subject, key: AccessKey, evidence: KeyEvidence | undefined, recording: Recording, span: Span): EvidenceGap[] {
  const { label } = subject;
  if (key.lastUsed === null) {
    if (evidence) return [];
    return [gap(subject, '*', 'last-used-after-evidence', `${label} has no call in the evidence and IAM could not say when it was last used: the evidence cannot show it unused`)];
  }
  const date = key.lastUsed.date;
  // never used, or quiet since before the evidence begins: the evidence rightly shows nothing
  if (date === null) return [];
  const at = Date.parse(date);
  if (!inSpan(at, span)) return [];
  const service = known(key.lastUsed.serviceName)?.toLowerCase() ?? null;
  const region = known(key.lastUsed.region);
  const what = `${service ? ` for ${service}` : ''}${region ? ` in ${region}` : ''}`;
  const gaps: EvidenceGap[] = [];
  if (!evidence) {
    gaps.push(gap(subject, service ?? '*', 'last-used-after-evidence', `${label} has no call in the evidence, yet IAM says it was last used${what} ${when(at, date, span)}: the evidence is blind to it, so it is not unused`));
  } else {
    const why: string[] = [];
    if (span.to !== null && at > span.to + LAST_USED_TOLERANCE_MS) why.push(`after the evidence ends at ${span.toText}`);
    else if (evidence.lastSeen !== null && at > evidence.lastSeen + LAST_USED_TOLERANCE_MS) why.push(`after its last call in the evidence at ${evidence.usage.lastSeen}`);
    if (service !== null && !evidence.services.has(service)) why.push(`for ${service}, which none of its calls in the evidence use`);
    if (region !== null && recording.regions.includes(region) && !evidence.regions.has(region)) why.push(`in ${region}, where none of its calls in the evidence are`);
    if (why.length > 0) gaps.push(gap(subject, service ?? '*', 'last-used-after-evidence', `IAM says ${label} was last used at ${date}: ${why.join('; ')}`));
  }
  if (region !== null && !recording.regions.includes(region)) {
    const covered = recording.regions.length > 0 ? recording.regions.join(', ') : 'none';
    gaps.push(gap(subject, service ?? '*', 'region-not-covered', `IAM says ${label} was last used${service ? ` for ${service}` : ''} in ${region} at ${date}, a region the evidence does not cover (it covers: ${covered})`));
  }
  return gaps;
}

function dataEventsState(recording: Recording, service: string): string {
  switch (recording.dataEvents) {
    case 'not-recorded':
      return 'no data events are recorded';
    case 'unknown':
      return 'whether data events are recorded is unknown';
    case 'recorded':
    case 'partial':
      return recording.basis === 'trail-selectors' ? `no trail selects ${service} data events` : `the evidence holds none of its ${service} data events`;
  }
}

/** Services the key is known to use, from any record, each with where that is known from. */
function servicesUsed(evidence: KeyEvidence | undefined, key: AccessKey | undefined, sla: ServiceLastAccessed | undefined, span: Span): Map<string, string> {
  const used = new Map<string, string>();
  for (const s of evidence?.services ?? []) used.set(s, 'in the evidence');
  const lastUsedDate = key?.lastUsed?.date ?? null;
  const lastService = known(key?.lastUsed?.serviceName)?.toLowerCase();
  if (lastService && lastUsedDate !== null && inSpan(Date.parse(lastUsedDate), span) && !used.has(lastService)) used.set(lastService, `last used at ${lastUsedDate}`);
  if (sla?.status === 'COMPLETED') {
    for (const s of sla.services) {
      const service = s.serviceNamespace.toLowerCase();
      if (s.lastAuthenticated !== null && inSpan(Date.parse(s.lastAuthenticated), span) && !used.has(service)) used.set(service, `user ${sla.userName}'s service-last-accessed at ${s.lastAuthenticated}`);
    }
  }
  return used;
}

function dataEventGaps(subject: Subject, used: ReadonlyMap<string, string>, evidence: KeyEvidence | undefined, recording: Recording): EvidenceGap[] {
  const gaps: EvidenceGap[] = [];
  for (const [service, source] of used) {
    const entry = dataEventService(service);
    if (!entry || recording.dataEventServices.has(entry.service) || evidence?.dataServices.has(entry.service)) continue;
    gaps.push(
      gap(subject, entry.service, 'data-events-not-recorded', `${subject.label} uses ${entry.service} (${source}), whose ${entry.work} are data events, and ${dataEventsState(recording, entry.service)}: what it does there is unknown`),
    );
  }
  return gaps;
}

function compareGaps(a: EvidenceGap, b: EvidenceGap): number {
  const order: [string | number, string | number][] = [
    [a.accessKeyId, b.accessKeyId],
    [REASON_ORDER.indexOf(a.reason), REASON_ORDER.indexOf(b.reason)],
    [a.service, b.service],
    [a.detail, b.detail],
  ];
  for (const [x, y] of order) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

function labelOf(accessKeyId: string, userName: string | null): string {
  return userName === null ? accessKeyId : `${accessKeyId} (user ${userName})`;
}

function gapsOfInventoryKeys(input: GapInput, inventory: InventoryDocument, span: Span): EvidenceGap[] {
  const slaByUser = new Map(inventory.iam.serviceLastAccessed.map((s) => [s.userName, s]));
  const gaps: EvidenceGap[] = [];
  for (const key of inventory.iam.accessKeys) {
    if (key.status !== 'Active') continue;
    const subject = { accessKeyId: key.accessKeyId, userName: key.userName, label: labelOf(key.accessKeyId, key.userName) };
    const evidence = input.evidence.byKey.get(key.accessKeyId);
    const sla = slaByUser.get(key.userName);
    gaps.push(
      ...lastUsedGaps(subject, key, evidence, input.recording, span),
      ...serviceLastAccessedGaps(subject, sla, input.evidence.servicesByUser.get(key.userName) ?? new Set(), span),
      ...dataEventGaps(subject, servicesUsed(evidence, key, sla, span), evidence, input.recording),
    );
  }
  return gaps;
}

/** Without an inventory there is no IAM record to compare with: only what the evidence itself cannot see. */
function gapsOfEvidenceKeys(input: GapInput, span: Span): EvidenceGap[] {
  return input.keys.flatMap((usage) => {
    const evidence = input.evidence.byKey.get(usage.accessKeyId);
    if (!evidence) return [];
    const subject = { accessKeyId: usage.accessKeyId, userName: usage.principal.userName, label: labelOf(usage.accessKeyId, usage.principal.userName) };
    return dataEventGaps(subject, servicesUsed(evidence, undefined, undefined, span), evidence, input.recording);
  });
}

export function evidenceGaps(input: GapInput): EvidenceGap[] {
  const span: Span = { from: ms(input.spanFrom), to: ms(input.spanTo), fromText: input.spanFrom, toText: input.spanTo };
  const gaps = input.inventory ? gapsOfInventoryKeys(input, input.inventory, span) : gapsOfEvidenceKeys(input, span);
  return gaps.sort(compareGaps);
}

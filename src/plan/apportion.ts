// Splitting one key's usage between the workloads that share it. The usage document counts
// calls per source but lists actions per key, so the only per-source evidence that separates
// actions is time: an action can only have come from a source that was active while it was
// used (their [firstSeen, lastSeen] intervals overlap). For each action (and denied attempt and
// role session) the candidate sources are those that overlap it (all of them when none does):
//   - candidates all attributed (instance, high or medium confidence) to one workload: that
//     workload's, granted to it alone;
//   - candidates in several workloads, or some not attributed: every candidate workload gets it
//     (taking it away would break the one that needs it), and it is listed as unattributed with
//     the sources and a risk, so a reviewer sees the over-grant;
//   - no candidate attributed: listed as unattributed, granted to no one.
// A source is attributed only to an instance of a workload in this plan, with high or medium
// confidence; a VPC (NAT gateway, endpoint), low confidence or no match is not.
import type { ActionUse, DeniedUse, KeyUsage, SourceUse, TemporarySession } from '../model/usage.js';
import type { PlanDocument } from '../model/plan.js';
import { compareText, sortedUnique } from './canonical-json.js';

export type UnattributedUse = PlanDocument['unattributed'][number];

export interface KeyShare {
  workloadId: string;
  actions: ActionUse[];
  denied: DeniedUse[];
  sessions: TemporarySession[];
  /** this workload's sources of the key */
  sources: string[];
  /** actions it was granted though other workloads or unattributed sources may have made them */
  ambiguous: string[];
}

export interface ApportionedKey {
  accessKeyId: string;
  shares: Map<string, KeyShare>;
  unattributed: UnattributedUse[];
  /** sources attributed to no workload in this plan, with why */
  unattributedSources: { source: string; reason: string }[];
}

interface Interval {
  firstSeen: string;
  lastSeen: string;
}

export function apportionKey(usage: KeyUsage, workloadOfInstance: ReadonlyMap<string, string>): ApportionedKey {
  const sources = [...usage.sources].sort((a, b) => compareText(a.source, b.source));
  const owner = new Map<SourceUse, string | null>(sources.map((s) => [s, sourceWorkload(s, workloadOfInstance)]));
  const shares = new Map<string, KeyShare>();
  const share = (id: string): KeyShare => {
    let s = shares.get(id);
    if (!s) shares.set(id, (s = { workloadId: id, actions: [], denied: [], sessions: [], sources: [], ambiguous: [] }));
    return s;
  };
  for (const s of sources) {
    const id = owner.get(s);
    if (id) share(id).sources.push(s.source);
  }

  const unattributed = new Map<string, { source: string; reason: string; actions: Set<string> }>();
  const list = (source: string, reason: string, label: string | null): void => {
    const key = `${source}\u0000${reason}`;
    const entry = unattributed.get(key) ?? { source, reason, actions: new Set<string>() };
    if (label !== null) entry.actions.add(label);
    unattributed.set(key, entry);
  };
  const unattributedSources = sources.filter((s) => !owner.get(s)).map((s) => ({ source: s.source, reason: whyNotAttributed(s, workloadOfInstance) }));
  for (const s of unattributedSources) list(s.source, s.reason, null);

  const assign = (interval: Interval | null, label: string, give: (w: KeyShare) => void): void => {
    const overlapping = interval === null ? [] : sources.filter((s) => overlaps(s, interval));
    const candidates = overlapping.length > 0 ? overlapping : sources;
    const workloads = sortedUnique(candidates.flatMap((s) => owner.get(s) ?? []));
    const strangers = candidates.filter((s) => !owner.get(s));
    for (const id of workloads) give(share(id));
    if (workloads.length === 1 && strangers.length === 0) return;
    for (const id of workloads) share(id).ambiguous.push(label);
    for (const s of strangers) list(s.source, whyNotAttributed(s, workloadOfInstance), label);
    if (workloads.length > 1) {
      for (const s of candidates.filter((c) => owner.get(c))) {
        list(s.source, `the per-source evidence cannot tell which of ${workloads.join(', ')} made these calls: each is granted them`, label);
      }
    }
  };

  for (const a of usage.actions) assign(a, a.action, (w) => w.actions.push(a));
  for (const d of usage.denied) assign(d, `${d.action} (denied)`, (w) => w.denied.push(d));
  for (const session of usage.sessions) {
    const label = session.roleArn ? `sts:AssumeRole ${session.roleArn}` : `sts:${session.via}`;
    assign(sessionInterval(session), label, (w) => w.sessions.push(session));
  }

  for (const s of shares.values()) {
    s.sources = sortedUnique(s.sources);
    s.ambiguous = sortedUnique(s.ambiguous);
  }
  return {
    accessKeyId: usage.accessKeyId,
    shares,
    unattributed: [...unattributed.values()]
      .map((e) => ({ accessKeyId: usage.accessKeyId, source: e.source, actions: sortedUnique(e.actions), reason: e.reason }))
      .sort((a, b) => compareText(`${a.source}\u0000${a.reason}`, `${b.source}\u0000${b.reason}`)),
    unattributedSources,
  };
}

function sourceWorkload(s: SourceUse, workloadOfInstance: ReadonlyMap<string, string>): string | null {
  const a = s.attribution;
  if (a.kind !== 'instance' || a.instanceId === undefined) return null;
  if (a.confidence !== 'high' && a.confidence !== 'medium') return null;
  return workloadOfInstance.get(a.instanceId) ?? null;
}

function whyNotAttributed(s: SourceUse, workloadOfInstance: ReadonlyMap<string, string>): string {
  const a = s.attribution;
  if (a.kind === 'vpc') return `attributed only to ${a.vpcId ?? 'a VPC'} (${a.reason}), not to one instance`;
  if (a.kind === 'uncovered') return `not attributed to any instance (${a.reason})`;
  if (a.confidence !== 'high' && a.confidence !== 'medium') return `attributed to ${a.instanceId ?? 'an instance'} with ${a.confidence} confidence only (${a.reason})`;
  if (a.instanceId !== undefined && !workloadOfInstance.has(a.instanceId)) return `attributed to ${a.instanceId}, which is in no workload of this plan`;
  return a.reason;
}

function overlaps(a: Interval, b: Interval): boolean {
  return Date.parse(a.firstSeen) <= Date.parse(b.lastSeen) && Date.parse(a.lastSeen) >= Date.parse(b.firstSeen);
}

function sessionInterval(session: TemporarySession): Interval | null {
  const uses = [...session.actions, ...session.denied];
  if (uses.length === 0) return null;
  const first = uses.map((u) => u.firstSeen).sort(compareByTime)[0];
  const last = uses.map((u) => u.lastSeen).sort(compareByTime).at(-1);
  return first !== undefined && last !== undefined ? { firstSeen: first, lastSeen: last } : null;
}

function compareByTime(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b) || compareText(a, b);
}

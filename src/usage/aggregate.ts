// Per access key, what the evidence shows it doing: the IAM actions on which resources (and,
// kept apart, what it tried and was refused), from which sources and software, in which
// regions, when, and the longest quiet period between its calls — plus the work done under
// temporary keys it obtained (role chains).
//
// A record counts once, or as many calls as it stands for when a source aggregated them
// before (Athena rows: see sources/aggregate-row.ts).
//
// Memory grows with the number of distinct (key, action, resource), (key, source),
// (key, user agent) and (key, region) tuples and with the days a key was active (see
// minute-set.ts), never with the number of events.
//
// Mergeable: aggregators fed disjoint parts of the evidence (worker threads reading disjoint
// files) merge into the aggregator of the whole. The few things that depend on which record
// came first (a key's principal fields, the first record of a role-chain link) carry the order
// of the record that set them (`order`: the file's place in the read order), so a merge keeps
// what one aggregator reading every file in order would have kept.
//
// Role chains: a key's sts:AssumeRole / GetSessionToken / GetFederationToken record carries the
// temporary key it was given (responseElements.credentials.accessKeyId). That temporary key's
// own records may come before or after it in the stream, so the link is made in finish(). Its
// work is reported under the key at the root of the chain, as a TemporarySession. Temporary
// (ASIA) keys not linked to a long-term key are not reported: they belong to roles (instance
// profiles, Lambda, SSO), not to a static key; finish() counts them.
import type { ActionUse, DeniedUse, KeyUsage, SourceUse, TemporarySession, UserAgentUse } from '../model/usage.js';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { EvidenceStats } from './evidence-stats.js';
import { eventTimeMs, isoTime } from './event-time.js';
import { forEachIamAction, iamServicePrefix } from './event-to-action.js';
import { SnapshotReader, SnapshotWriter, type AggregatorSnapshot } from './aggregate-snapshot.js';
import { MinuteSet } from './minute-set.js';
// an Athena aggregate row stands for many calls: the weight its records carry
import { eventCount } from './sources/aggregate-row.js';
import { describeUserAgent } from './user-agent.js';

type ChainVia = TemporarySession['via'];
const CHAIN_CALLS: ReadonlySet<string> = new Set<ChainVia>(['AssumeRole', 'GetSessionToken', 'GetFederationToken']);
const STS_SOURCE = 'sts.amazonaws.com';
/** Longer chains than this are not followed (role chaining is limited to a few hops in practice). */
const MAX_CHAIN_DEPTH = 10;

/**
 * Error codes meaning the call was refused: not authorised, or not authenticated. What a key
 * tried and could not do is reported apart, never as something it needs.
 */
const DENIED_ERROR = /AccessDenied|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|Forbidden|NotAuthorized|InvalidClientTokenId|SignatureDoesNotMatch|AuthFailure|InvalidAccessKeyId|ExpiredToken/i;

export function isDeniedError(errorCode: string | undefined): boolean {
  return errorCode !== undefined && DENIED_ERROR.test(errorCode);
}

/** Temporary keys issued by STS start with ASIA. */
export function isTemporaryKey(accessKeyId: string): boolean {
  return accessKeyId.startsWith('ASIA');
}

class Tally {
  calls = 0;
  first = Infinity;
  last = -Infinity;
  add(t: number, calls: number): void {
    this.calls += calls;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
  }
  merge(calls: number, first: number, last: number): void {
    this.calls += calls;
    if (first < this.first) this.first = first;
    if (last > this.last) this.last = last;
  }
}

class ActionTally extends Tally {
  constructor(
    readonly action: string,
    readonly resource: string,
    readonly errorCode: string,
  ) {
    super();
  }
}

class SourceTally extends Tally {
  constructor(
    readonly source: string,
    readonly vpcEndpointId: string | null,
  ) {
    super();
  }
}

type Principal = KeyUsage['principal'];

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Calls by name (user agent, region), remembering the last name counted: a key's records
 * mostly repeat the one before, and comparing with it is cheaper than hashing a new string.
 */
class Counts {
  readonly byName = new Map<string, { calls: number }>();
  private lastName: string | null = null;
  private last = { calls: 0 };

  add(name: string, calls: number): void {
    if (name !== this.lastName) {
      let counter = this.byName.get(name);
      if (counter === undefined) {
        counter = { calls: 0 };
        this.byName.set(name, counter);
      }
      this.lastName = name;
      this.last = counter;
    }
    this.last.calls += calls;
  }

  /** Most used first, then by name: the order a reader wants and the same on every run. */
  sorted(): [string, number][] {
    return [...this.byName].map(([name, c]): [string, number] => [name, c.calls]).sort(([a, ca], [b, cb]) => cb - ca || byText(a, b));
  }
}

/** The principal's fields, in the order of KeyState.principalOrder. */
const PRINCIPAL_FIELDS = ['type', 'arn', 'userName', 'accountId'] as const;

class KeyState {
  /**
   * Whether the key may be reported as a key of its own, with its principal, sources, user
   * agents, regions and quiet periods. A temporary key is reported as a session of the key that
   * obtained it, which lists only its actions: its other details are not kept (unless --keys
   * names it), which saves most of the work for the many records made with temporary keys.
   */
  constructor(readonly full = true) {}

  readonly principal: Principal = { type: 'Unknown', arn: null, userName: null, accountId: null };
  /** the order of the record that set each principal field (PRINCIPAL_FIELDS), Infinity while unset */
  readonly principalOrder = [Infinity, Infinity, Infinity, Infinity];
  readonly activity = new Tally();
  readonly minutes = new MinuteSet();
  /** action -> resource -> tally: the action strings are shared, so only the resource is hashed per record */
  readonly actions = new Map<string, Map<string, ActionTally>>();
  /** action, error code and resource -> tally (refusals are rare) */
  readonly denied = new Map<string, ActionTally>();
  /** source -> VPC endpoint ('' for none) -> tally */
  readonly sources = new Map<string, Map<string, SourceTally>>();
  readonly userAgents = new Counts();
  readonly regions = new Counts();
  /** the time of the record being added, for the visitor below */
  now = 0;
  /** the calls the record being added stands for (1, or more for an Athena aggregate row) */
  weight = 1;
  /** the error code of the record being added when it was refused, else null */
  deniedCode: string | null = null;
  // the last action and source tallied: records of a key mostly repeat the one before
  private lastAction: string | null = null;
  private lastResource: string | null = null;
  private lastActionTally: ActionTally | null = null;
  private lastSource: string | null = null;
  private lastEndpoint: string | null = null;
  private lastSourceTally: SourceTally | null = null;

  /** Tallies one (action, resource) of the record being added; a bound method, so no closure per record. */
  readonly tallyAction = (action: string, resource: string): void => {
    const code = this.deniedCode;
    if (code !== null) {
      this.deniedTally(action, code, resource).add(this.now, this.weight);
      return;
    }
    let tally = this.lastActionTally;
    if (tally === null || action !== this.lastAction || resource !== this.lastResource) {
      tally = this.actionTally(action, resource);
      this.lastAction = action;
      this.lastResource = tally.resource;
      this.lastActionTally = tally;
    }
    tally.add(this.now, this.weight);
  };

  actionTally(action: string, resource: string): ActionTally {
    let byResource = this.actions.get(action);
    if (byResource === undefined) {
      byResource = new Map();
      this.actions.set(action, byResource);
    }
    let tally = byResource.get(resource);
    if (tally === undefined) {
      tally = new ActionTally(action, resource, '');
      byResource.set(resource, tally);
    }
    return tally;
  }

  deniedTally(action: string, code: string, resource: string): ActionTally {
    const k = `${action}\u0000${code}\u0000${resource}`;
    let denied = this.denied.get(k);
    if (denied === undefined) {
      denied = new ActionTally(action, resource, code);
      this.denied.set(k, denied);
    }
    return denied;
  }

  sourceTally(source: string, endpoint: string): SourceTally {
    let byEndpoint = this.sources.get(source);
    if (byEndpoint === undefined) {
      byEndpoint = new Map();
      this.sources.set(source, byEndpoint);
    }
    let tally = byEndpoint.get(endpoint);
    if (tally === undefined) {
      tally = new SourceTally(source, endpoint === '' ? null : endpoint);
      byEndpoint.set(endpoint, tally);
    }
    return tally;
  }

  tallySource(source: string, endpoint: string): void {
    let tally = this.lastSourceTally;
    if (tally === null || source !== this.lastSource || endpoint !== this.lastEndpoint) {
      tally = this.sourceTally(source, endpoint);
      this.lastSource = tally.source;
      this.lastEndpoint = endpoint;
      this.lastSourceTally = tally;
    }
    tally.add(this.now, this.weight);
  }

  private principalComplete = false;

  /** `order`: the order of the record (see UsageAggregator.order), kept with each field it sets. */
  notePrincipal(identity: CloudTrailEvent['userIdentity'], order: number): void {
    if (this.principalComplete) return;
    // a key belongs to one principal; fields missing from some records are filled from others
    const p = this.principal;
    const o = this.principalOrder;
    if (p.type === 'Unknown' && typeof identity.type === 'string' && identity.type !== 'Unknown') {
      p.type = identity.type;
      o[0] = order;
    }
    if (p.arn === null && typeof identity.arn === 'string') {
      p.arn = identity.arn;
      o[1] = order;
    }
    const userName = identity.userName ?? identity.sessionContext?.sessionIssuer?.userName;
    if (p.userName === null && typeof userName === 'string') {
      p.userName = userName;
      o[2] = order;
    }
    if (p.accountId === null && typeof identity.accountId === 'string') {
      p.accountId = identity.accountId;
      o[3] = order;
    }
    this.principalComplete = p.type !== 'Unknown' && p.arn !== null && p.userName !== null && p.accountId !== null;
  }

  /** Writes this key's state to a snapshot (see UsageAggregator.snapshot). */
  writeTo(w: SnapshotWriter, accessKeyId: string): void {
    w.str(accessKeyId);
    const p = this.principal;
    w.str(p.type);
    w.str(p.arn);
    w.str(p.userName);
    w.str(p.accountId);
    for (const o of this.principalOrder) w.num(o);
    const a = this.activity;
    w.num(a.calls);
    w.num(a.first);
    w.num(a.last);
    this.minutes.writeTo(w);
    let count = 0;
    for (const byResource of this.actions.values()) count += byResource.size;
    w.num(count);
    for (const byResource of this.actions.values()) {
      for (const t of byResource.values()) {
        w.str(t.action);
        w.str(t.resource);
        writeTally(w, t);
      }
    }
    w.num(this.denied.size);
    for (const t of this.denied.values()) {
      w.str(t.action);
      w.str(t.errorCode);
      w.str(t.resource);
      writeTally(w, t);
    }
    count = 0;
    for (const byEndpoint of this.sources.values()) count += byEndpoint.size;
    w.num(count);
    for (const byEndpoint of this.sources.values()) {
      for (const t of byEndpoint.values()) {
        w.str(t.source);
        w.str(t.vpcEndpointId ?? '');
        writeTally(w, t);
      }
    }
    for (const counts of [this.userAgents, this.regions]) {
      w.num(counts.byName.size);
      for (const [name, c] of counts.byName) {
        w.str(name);
        w.num(c.calls);
      }
    }
  }

  /**
   * Adds a key's state read from a snapshot (what writeTo wrote, after the key ID). Where the
   * first record counts (the principal's fields), the lower order wins; on a tie, this state's.
   */
  mergeFrom(r: SnapshotReader): void {
    const p = this.principal as Record<(typeof PRINCIPAL_FIELDS)[number], string | null>;
    const values = PRINCIPAL_FIELDS.map(() => r.strOrNull());
    PRINCIPAL_FIELDS.forEach((field, i) => {
      const order = r.num();
      if (order < this.principalOrder[i]!) {
        p[field] = values[i]!;
        this.principalOrder[i] = order;
      }
    });
    const q = this.principal;
    this.principalComplete = q.type !== 'Unknown' && q.arn !== null && q.userName !== null && q.accountId !== null;
    this.activity.merge(r.num(), r.num(), r.num());
    this.minutes.mergeFrom(r);
    for (let n = r.num(); n > 0; n--) this.actionTally(r.str(), r.str()).merge(r.num(), r.num(), r.num());
    for (let n = r.num(); n > 0; n--) this.deniedTally(r.str(), r.str(), r.str()).merge(r.num(), r.num(), r.num());
    for (let n = r.num(); n > 0; n--) this.sourceTally(r.str(), r.str()).merge(r.num(), r.num(), r.num());
    for (const counts of [this.userAgents, this.regions]) for (let n = r.num(); n > 0; n--) counts.add(r.str(), r.num());
  }
}

function writeTally(w: SnapshotWriter, t: Tally): void {
  w.num(t.calls);
  w.num(t.first);
  w.num(t.last);
}

interface ChainLink {
  parent: string;
  via: ChainVia;
  roleArn: string | null;
  /** the order of the record that made the link: the first one counts */
  order: number;
}

export interface AggregatorOptions {
  /** only these long-term keys (and the temporary keys they obtain); all when null */
  keys?: ReadonlySet<string> | null;
}

export interface AggregateResult {
  keys: KeyUsage[];
  stats: EvidenceStats;
  /** temporary keys with activity but no record of which long-term key obtained them */
  unlinkedTemporaryKeys: number;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The temporary key a chain call (an STS record) handed out, if this record is one that succeeded. */
function chainLinkOf(event: CloudTrailEvent, eventName: string, errorCode: unknown, parent: string, order: number): [string, ChainLink] | null {
  if (!CHAIN_CALLS.has(eventName) || errorCode !== undefined) return null;
  const credentials = (event.responseElements as { credentials?: { accessKeyId?: unknown } } | null | undefined)?.credentials;
  const child = str(credentials?.accessKeyId);
  if (child === null || child === parent) return null;
  const via = eventName as ChainVia;
  const roleArn = via === 'AssumeRole' ? str(event.requestParameters?.roleArn) : null;
  return [child, { parent, via, roleArn, order }];
}

function actionUses(map: Map<string, Map<string, ActionTally>>): ActionUse[] {
  return [...map.values()]
    .flatMap((byResource) => [...byResource.values()])
    .sort((a, b) => byText(a.action, b.action) || byText(a.resource, b.resource) || byText(a.errorCode, b.errorCode))
    .map((t) => ({ action: t.action, resource: t.resource, calls: t.calls, firstSeen: isoTime(t.first), lastSeen: isoTime(t.last) }));
}

function deniedUses(map: Map<string, ActionTally>): DeniedUse[] {
  return [...map.values()]
    .sort((a, b) => byText(a.action, b.action) || byText(a.resource, b.resource) || byText(a.errorCode, b.errorCode))
    .map((t) => ({ action: t.action, resource: t.resource, calls: t.calls, firstSeen: isoTime(t.first), lastSeen: isoTime(t.last), errorCode: t.errorCode }));
}

export class UsageAggregator {
  private readonly states = new Map<string, KeyState>();
  private readonly links = new Map<string, ChainLink>();
  private readonly filter: ReadonlySet<string> | null;
  private lastKeyId: string | null = null;
  private lastState: KeyState | undefined = undefined;
  // evidence as a whole, for coverage
  private events = 0;
  private first = Infinity;
  private last = -Infinity;
  private readonly regions = new Set<string>();
  /** mapped to IAM service prefixes in finish(): few distinct values, millions of records */
  private readonly eventSources = new Set<string>();
  private lastRegion = '';
  private lastEventSource = '';
  private managementEvents = 0;
  private dataEvents = 0;
  private readOnlyEvents = 0;
  private writeEvents = 0;

  /**
   * The order of the records being added, for the few results where the first record counts
   * (see the top of this file): set it to the file's place in the read order before adding a
   * file's records, when parts of the evidence are aggregated apart and merged. Records added
   * under the same order count in the order they are added.
   */
  order = 0;

  constructor(options: AggregatorOptions = {}) {
    this.filter = options.keys ?? null;
  }

  /** Adds one record; `timeMs` is its eventTime when the caller has read it already (RecordSink has). */
  add(event: CloudTrailEvent, timeMs?: number): void {
    const t = timeMs ?? eventTimeMs(event.eventTime);
    if (Number.isNaN(t)) return; // sources check times; a caller feeding records directly may not
    const n = eventCount(event);
    // each field is read once: records come in dozens of shapes, so every read is a lookup, not an offset
    const eventSource = event.eventSource;
    const awsRegion = event.awsRegion;
    this.noteEvidence(event, eventSource, awsRegion, t, n);

    const identity = event.userIdentity;
    const keyId = identity.accessKeyId;
    if (typeof keyId !== 'string' || keyId === '') return;
    const errorCode = event.errorCode;
    if (eventSource === STS_SOURCE) {
      const link = chainLinkOf(event, event.eventName, errorCode, keyId, this.order);
      if (link !== null && !this.links.has(link[0])) this.links.set(link[0], link[1]);
    }
    // temporary keys are kept until finish() knows whether a selected key obtained them
    if (this.filter !== null && !this.filter.has(keyId) && !isTemporaryKey(keyId)) return;

    // consecutive records are often the same key's
    let state = keyId === this.lastKeyId ? this.lastState : this.states.get(keyId);
    if (state === undefined) {
      state = this.newState(keyId);
      this.states.set(keyId, state);
    }
    this.lastKeyId = keyId;
    this.lastState = state;
    if (state.full) {
      state.notePrincipal(identity, this.order);
      state.activity.add(t, n);
      state.minutes.add(t);
    }

    state.now = t;
    state.weight = n;
    state.deniedCode = typeof errorCode === 'string' && errorCode !== '' && isDeniedError(errorCode) ? errorCode : null;
    forEachIamAction(event, state.tallyAction);
    if (!state.full) return;

    const source = event.sourceIPAddress;
    if (typeof source === 'string' && source !== '') state.tallySource(source, str(event.vpcEndpointId) ?? '');
    const userAgent = event.userAgent;
    if (typeof userAgent === 'string' && userAgent !== '') state.userAgents.add(userAgent, n);
    state.regions.add(awsRegion, n);
  }

  private newState(keyId: string): KeyState {
    return new KeyState(!isTemporaryKey(keyId) || this.filter?.has(keyId) === true);
  }

  private noteEvidence(event: CloudTrailEvent, eventSource: string, awsRegion: string, t: number, n: number): void {
    this.events += n;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    // a set lookup hashes the string: skip it when the value repeats the last record's
    if (awsRegion !== this.lastRegion) this.regions.add((this.lastRegion = awsRegion));
    if (eventSource !== this.lastEventSource) this.eventSources.add((this.lastEventSource = eventSource));
    // records before eventVersion 1.06 carry neither field: they were all management events
    if (event.managementEvent === false || event.eventCategory === 'Data') this.dataEvents += n;
    else this.managementEvents += n;
    if (event.readOnly === true) this.readOnlyEvents += n;
    else if (event.readOnly === false) this.writeEvents += n;
  }

  /**
   * Adds what another aggregator (with the same options) saw: the result is the one an
   * aggregator fed both parts would give. Where the first record counts, the one with the lower
   * `order` wins (on a tie, this aggregator's), so give each part's records the order of their
   * files in the whole. `other` is not changed.
   */
  merge(other: UsageAggregator): void {
    this.mergeSnapshot(other.snapshot());
  }

  /** This aggregator's state as plain data, to postMessage to another thread (transfer `numbers`). */
  snapshot(): AggregatorSnapshot {
    const w = new SnapshotWriter();
    for (const n of [this.events, this.first, this.last, this.managementEvents, this.dataEvents, this.readOnlyEvents, this.writeEvents]) w.num(n);
    for (const set of [this.regions, this.eventSources]) {
      w.num(set.size);
      for (const value of set) w.str(value);
    }
    w.num(this.links.size);
    for (const [child, l] of this.links) {
      w.str(child);
      w.str(l.parent);
      w.str(l.via);
      w.str(l.roleArn);
      w.num(l.order);
    }
    w.num(this.states.size);
    for (const [keyId, state] of this.states) state.writeTo(w, keyId);
    return w.finish();
  }

  /** Adds what a snapshot holds, as merge() adds another aggregator. */
  mergeSnapshot(snapshot: AggregatorSnapshot): void {
    const r = new SnapshotReader(snapshot);
    this.events += r.num();
    const first = r.num();
    const last = r.num();
    if (first < this.first) this.first = first;
    if (last > this.last) this.last = last;
    this.managementEvents += r.num();
    this.dataEvents += r.num();
    this.readOnlyEvents += r.num();
    this.writeEvents += r.num();
    for (const set of [this.regions, this.eventSources]) for (let n = r.num(); n > 0; n--) set.add(r.str());
    for (let n = r.num(); n > 0; n--) {
      const child = r.str();
      const link: ChainLink = { parent: r.str(), via: r.str() as ChainVia, roleArn: r.strOrNull(), order: r.num() };
      const mine = this.links.get(child);
      if (mine === undefined || link.order < mine.order) this.links.set(child, link);
    }
    for (let n = r.num(); n > 0; n--) {
      const keyId = r.str();
      let state = this.states.get(keyId);
      if (state === undefined) {
        state = this.newState(keyId);
        this.states.set(keyId, state);
      }
      state.mergeFrom(r);
    }
    if (!r.done) throw new RangeError('aggregate snapshot: data left over');
  }

  /** The key at the root of a temporary key's chain, or null when the chain does not reach a long-term key. */
  private rootOf(accessKeyId: string): string | null {
    let key = accessKeyId;
    for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
      const link = this.links.get(key);
      if (link === undefined) return isTemporaryKey(key) ? null : key;
      key = link.parent;
    }
    return null;
  }

  private keyUsage(accessKeyId: string, state: KeyState, sessions: TemporarySession[]): KeyUsage {
    const sources: SourceUse[] = [...state.sources.values()]
      .flatMap((byEndpoint) => [...byEndpoint.values()])
      .sort((a, b) => b.calls - a.calls || byText(a.source, b.source) || byText(a.vpcEndpointId ?? '', b.vpcEndpointId ?? ''))
      .map((s) => ({
        source: s.source,
        vpcEndpointId: s.vpcEndpointId,
        calls: s.calls,
        firstSeen: isoTime(s.first),
        lastSeen: isoTime(s.last),
        // the attribution step replaces this when an inventory is given
        attribution: { kind: 'uncovered', confidence: 'none', reason: 'no inventory given' },
      }));
    const userAgents: UserAgentUse[] = state.userAgents.sorted().map(([userAgent, calls]) => ({ userAgent, ...describeUserAgent(userAgent), calls }));
    const calls = state.activity.calls;
    return {
      accessKeyId,
      principal: { ...state.principal },
      totalCalls: calls,
      firstSeen: calls > 0 ? isoTime(state.activity.first) : null,
      lastSeen: calls > 0 ? isoTime(state.activity.last) : null,
      longestGapSeconds: state.minutes.longestGapSeconds() ?? (calls >= 2 ? 0 : null),
      actions: actionUses(state.actions),
      denied: deniedUses(state.denied),
      sources,
      userAgents,
      regions: state.regions.sorted().map(([region, n]) => ({ region, calls: n })),
      sessions,
      uncovered: sources.some((s) => s.attribution.kind === 'uncovered'),
    };
  }

  finish(): AggregateResult {
    const sessionsByRoot = new Map<string, TemporarySession[]>();
    let unlinkedTemporaryKeys = 0;
    for (const [accessKeyId, state] of this.states) {
      const link = this.links.get(accessKeyId);
      if (link === undefined) {
        if (isTemporaryKey(accessKeyId) && !this.filter?.has(accessKeyId)) unlinkedTemporaryKeys++;
        continue;
      }
      const root = this.rootOf(accessKeyId);
      if (root === null) {
        unlinkedTemporaryKeys++;
        continue;
      }
      if (this.filter !== null && !this.filter.has(root)) continue;
      const session: TemporarySession = { accessKeyId, via: link.via, roleArn: link.roleArn, actions: actionUses(state.actions), denied: deniedUses(state.denied) };
      const list = sessionsByRoot.get(root) ?? [];
      list.push(session);
      sessionsByRoot.set(root, list);
    }

    const reported = [...this.states.keys()].filter((k) => !this.links.has(k) && (!isTemporaryKey(k) || this.filter?.has(k) === true));
    // a root seen only through its temporary keys' links still gets its sessions reported
    for (const root of sessionsByRoot.keys()) if (!this.states.has(root)) reported.push(root);
    const keys = reported.sort(byText).map((k) => {
      const sessions = (sessionsByRoot.get(k) ?? []).sort((a, b) => byText(a.accessKeyId, b.accessKeyId));
      return this.keyUsage(k, this.states.get(k) ?? new KeyState(), sessions);
    });

    const stats: EvidenceStats = {
      events: this.events,
      firstEvent: this.events > 0 ? isoTime(this.first) : null,
      lastEvent: this.events > 0 ? isoTime(this.last) : null,
      regions: [...this.regions].sort(byText),
      services: [...new Set([...this.eventSources].map(iamServicePrefix))].sort(byText),
      managementEvents: this.managementEvents,
      dataEvents: this.dataEvents,
      readOnlyEvents: this.readOnlyEvents,
      writeEvents: this.writeEvents,
    };
    return { keys, stats, unlinkedTemporaryKeys };
  }
}

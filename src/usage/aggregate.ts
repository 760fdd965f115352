// Per access key, what the evidence shows it doing: the IAM actions on which resources (and,
// kept apart, what it tried and was refused), from which sources and software, in which
// regions, when, and the longest quiet period between its calls — plus the work done under
// temporary keys it obtained (role chains).
//
// A record counts once, or as many calls as it stands for when a source aggregated them
// before (Athena rows: see sources/aggregate-row.ts).
//
// Memory grows with the number of distinct (key, action, resource), (key, source),
// (key, user agent) and (key, region) tuples and with the days a key was active (a 180-byte
// minute bitmap per key per day), never with the number of events.
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
import { MinuteSet } from './minute-set.js';
// an Athena aggregate row stands for many calls: the weight its records carry
import { eventCount } from './sources/aggregate-row.js';
import { describeUserAgent } from './user-agent.js';

type ChainVia = TemporarySession['via'];
const CHAIN_CALLS: ReadonlySet<string> = new Set<ChainVia>(['AssumeRole', 'GetSessionToken', 'GetFederationToken']);
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

class KeyState {
  readonly principal: Principal = { type: 'Unknown', arn: null, userName: null, accountId: null };
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
      const k = `${action}\u0000${code}\u0000${resource}`;
      let denied = this.denied.get(k);
      if (denied === undefined) {
        denied = new ActionTally(action, resource, code);
        this.denied.set(k, denied);
      }
      denied.add(this.now, this.weight);
      return;
    }
    let tally = this.lastActionTally;
    if (tally === null || action !== this.lastAction || resource !== this.lastResource) {
      let byResource = this.actions.get(action);
      if (byResource === undefined) {
        byResource = new Map();
        this.actions.set(action, byResource);
      }
      tally = byResource.get(resource) ?? null;
      if (tally === null) {
        tally = new ActionTally(action, resource, '');
        byResource.set(resource, tally);
      }
      this.lastAction = action;
      this.lastResource = tally.resource;
      this.lastActionTally = tally;
    }
    tally.add(this.now, this.weight);
  };

  tallySource(source: string, endpoint: string): void {
    let tally = this.lastSourceTally;
    if (tally === null || source !== this.lastSource || endpoint !== this.lastEndpoint) {
      let byEndpoint = this.sources.get(source);
      if (byEndpoint === undefined) {
        byEndpoint = new Map();
        this.sources.set(source, byEndpoint);
      }
      tally = byEndpoint.get(endpoint) ?? null;
      if (tally === null) {
        tally = new SourceTally(source, endpoint === '' ? null : endpoint);
        byEndpoint.set(endpoint, tally);
      }
      this.lastSource = tally.source;
      this.lastEndpoint = endpoint;
      this.lastSourceTally = tally;
    }
    tally.add(this.now, this.weight);
  }

  private principalComplete = false;

  notePrincipal(identity: CloudTrailEvent['userIdentity']): void {
    if (this.principalComplete) return;
    // a key belongs to one principal; fields missing from some records are filled from others
    const p = this.principal;
    if (p.type === 'Unknown' && typeof identity.type === 'string') p.type = identity.type;
    if (p.arn === null && typeof identity.arn === 'string') p.arn = identity.arn;
    const userName = identity.userName ?? identity.sessionContext?.sessionIssuer?.userName;
    if (p.userName === null && typeof userName === 'string') p.userName = userName;
    if (p.accountId === null && typeof identity.accountId === 'string') p.accountId = identity.accountId;
    this.principalComplete = p.type !== 'Unknown' && p.arn !== null && p.userName !== null && p.accountId !== null;
  }
}

interface ChainLink {
  parent: string;
  via: ChainVia;
  roleArn: string | null;
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

/** The temporary key a chain call handed out, if this record is one that succeeded. */
function chainLinkOf(event: CloudTrailEvent, parent: string): [string, ChainLink] | null {
  if (event.eventSource !== 'sts.amazonaws.com' || !CHAIN_CALLS.has(event.eventName) || event.errorCode !== undefined) return null;
  const credentials = (event.responseElements as { credentials?: { accessKeyId?: unknown } } | null | undefined)?.credentials;
  const child = str(credentials?.accessKeyId);
  if (child === null || child === parent) return null;
  const via = event.eventName as ChainVia;
  const roleArn = via === 'AssumeRole' ? str(event.requestParameters?.roleArn) : null;
  return [child, { parent, via, roleArn }];
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

  constructor(options: AggregatorOptions = {}) {
    this.filter = options.keys ?? null;
  }

  add(event: CloudTrailEvent): void {
    const t = eventTimeMs(event.eventTime);
    if (Number.isNaN(t)) return; // sources check times; a caller feeding records directly may not
    const n = eventCount(event);
    this.noteEvidence(event, t, n);

    const keyId = str(event.userIdentity.accessKeyId);
    if (keyId === null) return;
    const link = chainLinkOf(event, keyId);
    if (link !== null && !this.links.has(link[0])) this.links.set(link[0], link[1]);
    // temporary keys are kept until finish() knows whether a selected key obtained them
    if (this.filter !== null && !this.filter.has(keyId) && !isTemporaryKey(keyId)) return;

    // consecutive records are often the same key's
    let state = keyId === this.lastKeyId ? this.lastState : this.states.get(keyId);
    if (state === undefined) {
      state = new KeyState();
      this.states.set(keyId, state);
    }
    this.lastKeyId = keyId;
    this.lastState = state;
    state.notePrincipal(event.userIdentity);
    state.activity.add(t, n);
    state.minutes.add(t);

    const errorCode = str(event.errorCode);
    state.now = t;
    state.weight = n;
    state.deniedCode = errorCode !== null && isDeniedError(errorCode) ? errorCode : null;
    forEachIamAction(event, state.tallyAction);

    const source = str(event.sourceIPAddress);
    if (source !== null) state.tallySource(source, str(event.vpcEndpointId) ?? '');
    const userAgent = str(event.userAgent);
    if (userAgent !== null) state.userAgents.add(userAgent, n);
    state.regions.add(event.awsRegion, n);
  }

  private noteEvidence(event: CloudTrailEvent, t: number, n: number): void {
    this.events += n;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    // a set lookup hashes the string: skip it when the value repeats the last record's
    if (event.awsRegion !== this.lastRegion) this.regions.add((this.lastRegion = event.awsRegion));
    if (event.eventSource !== this.lastEventSource) this.eventSources.add((this.lastEventSource = event.eventSource));
    // records before eventVersion 1.06 carry neither field: they were all management events
    if (event.managementEvent === false || event.eventCategory === 'Data') this.dataEvents += n;
    else this.managementEvents += n;
    if (event.readOnly === true) this.readOnlyEvents += n;
    else if (event.readOnly === false) this.writeEvents += n;
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

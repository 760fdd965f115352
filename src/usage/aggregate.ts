// Per access key, what the evidence shows it doing: the IAM actions on which resources (and,
// kept apart, what it tried and was refused), from which sources and software, in which
// regions, when, and the longest quiet period between its calls — plus the work done under
// temporary keys it obtained (role chains).
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
import type { DeniedUse, KeyUsage, SourceUse, TemporarySession, UserAgentUse } from '../model/usage.js';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { EvidenceStats } from './evidence-stats.js';
import { eventTimeMs, isoTime } from './event-time.js';
import { iamActionsFor, iamServicePrefix } from './event-to-action.js';
import { MinuteSet } from './minute-set.js';
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
  add(t: number): void {
    this.calls++;
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

class KeyState {
  readonly principal: Principal = { type: 'Unknown', arn: null, userName: null, accountId: null };
  readonly activity = new Tally();
  readonly minutes = new MinuteSet();
  readonly actions = new Map<string, ActionTally>();
  readonly denied = new Map<string, ActionTally>();
  readonly sources = new Map<string, SourceTally>();
  readonly userAgents = new Map<string, number>();
  readonly regions = new Map<string, number>();

  notePrincipal(identity: CloudTrailEvent['userIdentity']): void {
    // a key belongs to one principal; fields missing from some records are filled from others
    const p = this.principal;
    if (p.type === 'Unknown' && typeof identity.type === 'string') p.type = identity.type;
    if (p.arn === null && typeof identity.arn === 'string') p.arn = identity.arn;
    const userName = identity.userName ?? identity.sessionContext?.sessionIssuer?.userName;
    if (p.userName === null && typeof userName === 'string') p.userName = userName;
    if (p.accountId === null && typeof identity.accountId === 'string') p.accountId = identity.accountId;
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

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
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

function actionUses(map: Map<string, ActionTally>) {
  return [...map.values()]
    .sort((a, b) => byText(a.action, b.action) || byText(a.resource, b.resource) || byText(a.errorCode, b.errorCode))
    .map((t) => ({ action: t.action, resource: t.resource, calls: t.calls, firstSeen: isoTime(t.first), lastSeen: isoTime(t.last) }));
}

function deniedUses(map: Map<string, ActionTally>): DeniedUse[] {
  return [...map.values()]
    .sort((a, b) => byText(a.action, b.action) || byText(a.resource, b.resource) || byText(a.errorCode, b.errorCode))
    .map((t) => ({ action: t.action, resource: t.resource, calls: t.calls, firstSeen: isoTime(t.first), lastSeen: isoTime(t.last), errorCode: t.errorCode }));
}

/** Most used first, then by name: the order a reader wants and the same on every run. */
function countedEntries(map: Map<string, number>): [string, number][] {
  return [...map].sort(([a, ca], [b, cb]) => cb - ca || byText(a, b));
}

export class UsageAggregator {
  private readonly states = new Map<string, KeyState>();
  private readonly links = new Map<string, ChainLink>();
  private readonly filter: ReadonlySet<string> | null;
  // evidence as a whole, for coverage
  private events = 0;
  private first = Infinity;
  private last = -Infinity;
  private readonly regions = new Set<string>();
  private readonly services = new Set<string>();
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
    this.noteEvidence(event, t);

    const keyId = str(event.userIdentity.accessKeyId);
    if (keyId === null) return;
    const link = chainLinkOf(event, keyId);
    if (link !== null && !this.links.has(link[0])) this.links.set(link[0], link[1]);
    // temporary keys are kept until finish() knows whether a selected key obtained them
    if (this.filter !== null && !this.filter.has(keyId) && !isTemporaryKey(keyId)) return;

    let state = this.states.get(keyId);
    if (state === undefined) {
      state = new KeyState();
      this.states.set(keyId, state);
    }
    state.notePrincipal(event.userIdentity);
    state.activity.add(t);
    state.minutes.add(t);

    const errorCode = str(event.errorCode);
    const denied = errorCode !== null && isDeniedError(errorCode);
    const target = denied ? state.denied : state.actions;
    const code = denied ? errorCode : '';
    for (const use of iamActionsFor(event)) {
      const k = `${use.action}\u0000${code}\u0000${use.resource}`;
      let tally = target.get(k);
      if (tally === undefined) {
        tally = new ActionTally(use.action, use.resource, code);
        target.set(k, tally);
      }
      tally.add(t);
    }

    const source = str(event.sourceIPAddress);
    if (source !== null) {
      const vpce = str(event.vpcEndpointId);
      const k = `${source}\u0000${vpce ?? ''}`;
      let tally = state.sources.get(k);
      if (tally === undefined) {
        tally = new SourceTally(source, vpce);
        state.sources.set(k, tally);
      }
      tally.add(t);
    }
    const userAgent = str(event.userAgent);
    if (userAgent !== null) bump(state.userAgents, userAgent);
    bump(state.regions, event.awsRegion);
  }

  private noteEvidence(event: CloudTrailEvent, t: number): void {
    this.events++;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    this.regions.add(event.awsRegion);
    this.services.add(iamServicePrefix(event.eventSource));
    // records before eventVersion 1.06 carry neither field: they were all management events
    if (event.managementEvent === false || event.eventCategory === 'Data') this.dataEvents++;
    else this.managementEvents++;
    if (event.readOnly === true) this.readOnlyEvents++;
    else if (event.readOnly === false) this.writeEvents++;
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
    const userAgents: UserAgentUse[] = countedEntries(state.userAgents).map(([userAgent, calls]) => ({ userAgent, ...describeUserAgent(userAgent), calls }));
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
      regions: countedEntries(state.regions).map(([region, n]) => ({ region, calls: n })),
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
      services: [...this.services].sort(byText),
      managementEvents: this.managementEvents,
      dataEvents: this.dataEvents,
      readOnlyEvents: this.readOnlyEvents,
      writeEvents: this.writeEvents,
    };
    return { keys, stats, unlinkedTemporaryKeys };
  }
}

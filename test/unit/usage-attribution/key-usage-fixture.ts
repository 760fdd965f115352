// KeyUsage records built in code, as the aggregator would make them before attribution:
// tests name only the sources, actions and dates they are about.
import { KeyUsage, type ActionUse, type SourceUse } from '../../../src/model/usage.js';

export const NOT_ATTRIBUTED: SourceUse['attribution'] = { kind: 'uncovered', confidence: 'none', reason: 'no inventory given' };

export function sourceUse(source: string, firstSeen: string, lastSeen: string, vpcEndpointId: string | null = null): SourceUse {
  return { source, vpcEndpointId, calls: 3, firstSeen, lastSeen, attribution: NOT_ATTRIBUTED };
}

export function actionUse(action: string, lastSeen = '2025-05-20T00:00:00.000Z', resource = '*'): ActionUse {
  return { action, resource, calls: 1, firstSeen: '2025-05-02T00:00:00.000Z', lastSeen };
}

export interface KeyUsageFacts {
  userName?: string | null;
  sources?: SourceUse[];
  actions?: ActionUse[];
  regions?: string[];
  firstSeen?: string | null;
  lastSeen?: string | null;
  sessions?: KeyUsage['sessions'];
}

export function keyUsage(accessKeyId: string, facts: KeyUsageFacts = {}): KeyUsage {
  const userName = facts.userName === undefined ? 'app' : facts.userName;
  const actions = facts.actions ?? [];
  return KeyUsage.parse({
    accessKeyId,
    principal: { type: 'IAMUser', arn: userName ? `arn:aws:iam::123456789012:user/${userName}` : null, userName, accountId: '123456789012' },
    totalCalls: Math.max(actions.reduce((n, a) => n + a.calls, 0), (facts.sources ?? []).reduce((n, s) => n + s.calls, 0)),
    firstSeen: facts.firstSeen === undefined ? '2025-05-02T00:00:00.000Z' : facts.firstSeen,
    lastSeen: facts.lastSeen === undefined ? '2025-05-20T00:00:00.000Z' : facts.lastSeen,
    longestGapSeconds: null,
    actions,
    denied: [],
    sources: facts.sources ?? [],
    userAgents: [],
    regions: (facts.regions ?? ['eu-west-1']).map((region) => ({ region, calls: 1 })),
    sessions: facts.sessions ?? [],
    uncovered: true,
  });
}

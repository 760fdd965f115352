// Whether a workload can be made to require IMDSv2: only when every SDK and CLI its keys were
// seen with is known to support it. Otherwise, what to upgrade. The user agents are per key,
// so a shared key's agents count for every workload that uses it (the cautious reading).
import type { UserAgentUse } from '../model/usage.js';
import { sortedUnique } from './canonical-json.js';

export function imdsv2Readiness(agents: readonly UserAgentUse[]): { capable: boolean; risk: string | null } {
  if (agents.length === 0) {
    return { capable: false, risk: 'no SDK or CLI user agent was recorded for its keys, so IMDSv2 is not required: check the software supports IMDSv2, then require it' };
  }
  const old = sortedUnique(agents.filter((a) => a.imdsv2Capable === false).map((a) => (a.tool ? `${a.tool.name} ${a.tool.version}` : a.userAgent)));
  const unknown = sortedUnique(agents.filter((a) => a.imdsv2Capable === null).map((a) => (a.tool ? `${a.tool.name} ${a.tool.version}` : a.userAgent)));
  if (old.length === 0 && unknown.length === 0) return { capable: true, risk: null };
  const parts: string[] = [];
  if (old.length > 0) parts.push(`upgrade ${old.join(', ')} to a version that supports IMDSv2`);
  if (unknown.length > 0) parts.push(`check whether ${unknown.join(', ')} support${unknown.length === 1 ? 's' : ''} IMDSv2`);
  return { capable: false, risk: `IMDSv2 is not required yet: ${parts.join('; ')}, then plan again` };
}

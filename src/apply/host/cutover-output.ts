// What the payload printed, as one result per op it ran. The payload prints one JSON line per
// op and stops at the first failure; output cut short (the command killed, SSM's status
// failed, a shell error before any op) becomes a failed result for the first op that has no
// answer, so a host that said nothing is never taken for one where everything went well.
import type { HostOp, HostOpResult, HostOpState } from './cutover-ops.js';

const STATUSES = new Set(['changed', 'unchanged', 'failed']);
const STATES = new Set<HostOpState>(['holds', 'gone', 'missing', 'none', 'same', 'differs', 'missing-file']);
// The payload never prints a value from a file; this is a second guard for a message that
// would carry something shaped like a secret access key anyway.
const SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g;

export interface PayloadEnd {
  /** why the output may be short: the exit status, SSM's status; never file content */
  detail?: string | undefined;
}

export function parseCutoverOutput(stdout: string, ops: readonly HostOp[], end: PayloadEnd = {}): HostOpResult[] {
  const results: HostOpResult[] = [];
  for (const line of stdout.split('\n')) {
    if (results.length >= ops.length) break;
    const parsed = parseLine(line.trim());
    if (!parsed) continue;
    const expected = ops[results.length]!.op;
    if (parsed.op !== expected) {
      // a malformed op is answered under the name "unknown"; anything else is out of step
      results.push({ op: expected, status: 'failed', message: parsed.status === 'failed' ? parsed.message : `the host answered ${parsed.op} for ${expected}` });
      break;
    }
    results.push(parsed);
    if (parsed.status === 'failed') break;
  }
  const last = results.at(-1);
  if (results.length < ops.length && last?.status !== 'failed') {
    const op = ops[results.length]!.op;
    results.push({ op, status: 'failed', message: `the host printed no result for ${op}${end.detail ? ` (${end.detail})` : ''}` });
  }
  return results;
}

function parseLine(line: string): HostOpResult | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.op !== 'string' || typeof r.status !== 'string' || !STATUSES.has(r.status) || typeof r.message !== 'string') return undefined;
  return {
    op: r.op as HostOpResult['op'],
    status: r.status as HostOpResult['status'],
    message: redact(r.message),
    ...(typeof r.backupPath === 'string' && { backupPath: r.backupPath }),
    ...(typeof r.identity === 'string' && { identity: redact(r.identity) }),
    ...(typeof r.state === 'string' && STATES.has(r.state as HostOpState) && { state: r.state as HostOpState }),
  };
}

function redact(text: string): string {
  // mixed case and digits: a path of letters and slashes is left alone
  return text.replace(SECRET_SHAPE, (run) => (/[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run) ? '(redacted)' : run));
}

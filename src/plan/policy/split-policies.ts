// Statements -> managed policies that each fit IAM's 6,144-character limit. One policy when all
// fit; otherwise split by service: each service's statements stay together unless they alone
// are too large, and whole services are packed first-fit, largest first, to keep the count low
// (a role takes 10 managed policies by default, 20 at most). A statement too large for any policy
// is cut into pieces by actions and then resources. Every choice breaks ties on content, so the
// split is deterministic; the parts hold exactly the pairs of the whole.
import { KeyshiftError } from '../../errors.js';
import type { PlannedPolicy } from '../../model/plan.js';
import { compareText } from './compare.js';
import { serviceOf } from './grant.js';
import { EMPTY_POLICY_SIZE, MANAGED_POLICY_MAX_CHARS, minifiedSize, policyJson, sizeOf, statementSize } from './policy-document.js';
import type { PlannedStatement } from './statements.js';

interface Sized {
  statement: PlannedStatement;
  /** position in the unsplit statement list: the order statements keep inside every part */
  order: number;
  size: number;
}

interface Chunk {
  service: string;
  part: number;
  items: Sized[];
  size: number;
}

function tooLarge(what: string): KeyshiftError {
  return new KeyshiftError('internal', `${what} does not fit in one managed policy even on its own`);
}

/** Greedy: as many of the list as fit, then the next piece. */
function fill<T>(list: readonly T[], fits: (piece: readonly T[]) => boolean, what: string): T[][] {
  const pieces: T[][] = [];
  let piece: T[] = [];
  for (const item of list) {
    if (piece.length > 0 && !fits([...piece, item])) {
      pieces.push(piece);
      piece = [];
    }
    if (!fits([...piece, item])) throw tooLarge(what);
    piece.push(item);
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

/** Cuts one statement into pieces that each fit an otherwise empty policy. */
function cutStatement(statement: PlannedStatement, limit: number): PlannedStatement[] {
  const room = limit - EMPTY_POLICY_SIZE;
  const longest = statement.resources.reduce((a, b) => (b.length > a.length ? b : a), '');
  const fitsWith = (actions: readonly string[], resources: readonly string[]) =>
    statementSize({ ...statement, actions: [...actions], resources: [...resources] }) <= room;
  const pieces: PlannedStatement[] = [];
  for (const actions of fill(statement.actions, (a) => fitsWith(a, [longest]), `statement ${statement.sid}`)) {
    for (const resources of fill(statement.resources, (r) => fitsWith(actions, r), `statement ${statement.sid}`)) {
      const n = pieces.length + 1;
      pieces.push({ ...statement, sid: n === 1 ? statement.sid : `${statement.sid}Split${n}`, actions, resources });
    }
  }
  return pieces;
}

function chunksByService(items: readonly Sized[], limit: number): Chunk[] {
  const byService = new Map<string, Sized[]>();
  for (const item of items) {
    const service = serviceOf(item.statement.actions[0] ?? '');
    byService.set(service, [...(byService.get(service) ?? []), item]);
  }
  const chunks: Chunk[] = [];
  for (const [service, list] of byService) {
    const parts = fill(list, (piece) => sizeOf(piece.map((i) => i.size)) <= limit, `the ${service} statements`);
    parts.forEach((part, i) => chunks.push({ service, part: i, items: part, size: sizeOf(part.map((p) => p.size)) }));
  }
  return chunks;
}

function plannedPolicy(name: string, statements: readonly PlannedStatement[]): PlannedPolicy {
  const document = policyJson(statements);
  return { name, document, statements: [...statements], size: minifiedSize(document) };
}

export function splitIntoPolicies(prefix: string, statements: readonly PlannedStatement[], limit = MANAGED_POLICY_MAX_CHARS): PlannedPolicy[] {
  if (statements.length === 0) return [];
  if (sizeOf(statements.map(statementSize)) <= limit) return [plannedPolicy(prefix, statements)];
  const items: Sized[] = statements
    .flatMap((s) => (EMPTY_POLICY_SIZE + statementSize(s) > limit ? cutStatement(s, limit) : [s]))
    .map((statement, order) => ({ statement, order, size: statementSize(statement) }));
  const chunks = chunksByService(items, limit).sort((a, b) => b.size - a.size || compareText(a.service, b.service) || a.part - b.part);
  const bins: Sized[][] = [];
  for (const chunk of chunks) {
    const bin = bins.find((b) => sizeOf([...b, ...chunk.items].map((i) => i.size)) <= limit);
    if (bin === undefined) bins.push([...chunk.items]);
    else bin.push(...chunk.items);
  }
  return bins
    .map((bin) => bin.sort((a, b) => a.order - b.order))
    .sort((a, b) => (a[0]?.order ?? 0) - (b[0]?.order ?? 0))
    .map((bin, i) => {
      const policy = plannedPolicy(`${prefix}-${i + 1}`, bin.map((b) => b.statement));
      if (policy.size > limit) throw tooLarge(`policy ${policy.name}`);
      return policy;
    });
}

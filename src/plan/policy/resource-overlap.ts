// Whether two resource patterns can match a common ARN, and a pattern for some of the ARNs they
// share. The evaluator decides a wildcard request by its text, so a Deny on *secret* or an Allow
// with NotResource arn:aws:s3:::* does not see that arn:aws:s3:::b/* reaches into it; asking the
// evaluator about a pattern inside both patterns does. Both sides are globs (`*`, `?`); a policy
// variable `${…}` is read as `*`, the widest it could resolve to. Matching `*` across ARN
// segments, as done here, can only find more overlaps than IAM would, never fewer.

type Token = { kind: 'char'; text: string } | { kind: 'one' } | { kind: 'star' };

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i);
      if (end > 0) {
        out.push({ kind: 'star' });
        i = end;
        continue;
      }
    }
    out.push(c === '*' ? { kind: 'star' } : c === '?' ? { kind: 'one' } : { kind: 'char', text: c });
  }
  return out;
}

const text = (t: Token) => (t.kind === 'char' ? t.text : t.kind === 'one' ? '?' : '*');

/**
 * A glob matching only strings both patterns match (the widest this greedy walk finds: all they
 * share when one covers the other), or undefined when they share none.
 */
export function overlap(a: string, b: string): string | undefined {
  const x = tokens(a);
  const y = tokens(b);
  const memo = new Map<number, string | null>();
  const go = (i: number, j: number): string | null => {
    const key = i * (y.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let found: string | null = null;
    const p = x[i];
    const q = y[j];
    if (p === undefined && q === undefined) found = '';
    else if (p?.kind === 'star') {
      // the star swallows the other side's next token, or else matches nothing; swallowing first
      // keeps the other side's wildcards, so the shared pattern is as wide as it can be
      if (q !== undefined) {
        const rest = go(i, j + 1);
        if (rest !== null) found = text(q) + rest;
      }
      if (found === null) found = go(i + 1, j);
    } else if (q?.kind === 'star') {
      if (p !== undefined) {
        const rest = go(i + 1, j);
        if (rest !== null) found = text(p) + rest;
      }
      if (found === null) found = go(i, j + 1);
    } else if (p !== undefined && q !== undefined) {
      const same = p.kind === 'one' || q.kind === 'one' || (p.kind === 'char' && q.kind === 'char' && p.text === q.text);
      if (same) {
        const rest = go(i + 1, j + 1);
        if (rest !== null) found = (p.kind === 'char' ? p.text : text(q)) + rest;
      }
    }
    memo.set(key, found);
    return found;
  };
  return go(0, 0) ?? undefined;
}

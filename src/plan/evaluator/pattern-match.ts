// Pattern matching as IAM does it. `*` is any run of characters and `?` any one character.
// In an ARN pattern (Resource, NotResource, ArnLike) the first five colon-separated segments —
// arn, partition, service, region, account — are matched each on its own, so a wildcard there
// does not cross a colon; the sixth segment, the resource, is everything after the fifth colon,
// and a `*` there may cover colons and slashes alike (IAM User Guide, "IAM JSON policy elements:
// Resource" and the ArnLike example in "Condition operators"). A pattern written with fewer
// segments whose last character is `*` lets that `*` run to the end of the ARN ("if the *
// wildcard is the last character of a resource ARN segment, it can expand to match beyond the
// colon boundaries"). A pattern that does not start with `arn:` — `*` above all — is matched
// against the whole string.
import type { ResolvedToken } from './policy-template.js';
import type { Tri } from './tri-state.js';
import { ONE, STAR, wildcardMatch, type Atom } from './wildcard.js';

/** A pattern ready to match: its atoms, and whether a variable left it unknown or unmatchable. */
export interface CompiledPattern {
  /** whole-string atoms, or one list per ARN segment */
  segments: readonly (readonly Atom[])[];
  /** an ARN pattern (segments) rather than a whole-string glob */
  arn: boolean;
  /** an ARN pattern of fewer than six segments whose last `*` runs to the end */
  openEnded: boolean;
  ignoreCase: boolean;
  /** the literal text before the first wildcard: a cheap first test that turns most values away */
  prefix: string;
  /** holds a variable the context could not fill (matched as `*`) */
  unknown: boolean;
  /** holds a variable known to be absent, without default: matches nothing */
  nothing: boolean;
}

function atoms(tokens: readonly ResolvedToken[], ignoreCase: boolean): Atom[] {
  const out: Atom[] = [];
  for (const t of tokens) {
    // for-of walks code points, so a `?` stands for one character, not half of one
    if (t.kind === 'text') for (const c of ignoreCase ? t.text.toLowerCase() : t.text) out.push(c);
    else if (t.kind === 'one') out.push(ONE);
    // an unknown variable could be anything: match it as `*` and report the result as unknown
    else out.push(STAR);
  }
  return out;
}

/** Splits atoms at the first five literal colons: at most six segments, the last keeping the rest. */
function arnSegments(all: readonly Atom[]): Atom[][] {
  const segments: Atom[][] = [[]];
  for (const atom of all) {
    if (atom === ':' && segments.length < 6) segments.push([]);
    else segments.at(-1)?.push(atom);
  }
  return segments;
}

function compile(tokens: readonly ResolvedToken[], arn: boolean, ignoreCase: boolean): CompiledPattern {
  const flags = {
    ignoreCase,
    unknown: tokens.some((t) => t.kind === 'unknown'),
    nothing: tokens.some((t) => t.kind === 'nothing'),
  };
  const all = atoms(tokens, ignoreCase);
  const wildcardAt = all.findIndex((a) => typeof a !== 'string');
  const prefix = (wildcardAt < 0 ? all : all.slice(0, wildcardAt)).join('');
  const first = tokens[0];
  const isArn = arn && first !== undefined && first.kind === 'text' && first.text.startsWith('arn:');
  if (!isArn) return { segments: [all], arn: false, openEnded: false, prefix, ...flags };
  const segments = arnSegments(all);
  return { segments, arn: true, openEnded: segments.length < 6 && segments.at(-1)?.at(-1) === STAR, prefix, ...flags };
}

// Parsed templates are cached, so the same token lists recur: compile each once.
const globCache = new WeakMap<readonly ResolvedToken[], CompiledPattern>();
const globIgnoreCaseCache = new WeakMap<readonly ResolvedToken[], CompiledPattern>();
const arnCache = new WeakMap<readonly ResolvedToken[], CompiledPattern>();

function compiled(cache: WeakMap<readonly ResolvedToken[], CompiledPattern>, tokens: readonly ResolvedToken[], arn: boolean, ignoreCase: boolean): CompiledPattern {
  let c = cache.get(tokens);
  if (c === undefined) {
    c = compile(tokens, arn, ignoreCase);
    cache.set(tokens, c);
  }
  return c;
}

export function compileGlob(tokens: readonly ResolvedToken[], ignoreCase = false): CompiledPattern {
  return compiled(ignoreCase ? globIgnoreCaseCache : globCache, tokens, false, ignoreCase);
}

export function compileArn(tokens: readonly ResolvedToken[]): CompiledPattern {
  return compiled(arnCache, tokens, true, false);
}

/** The value's ARN segments; the last split is remembered, as one request meets many patterns. */
let lastSplit: { value: string; parts: string[] } = { value: '', parts: [''] };
function splitArn(value: string): string[] {
  if (lastSplit.value !== value) {
    const parts: string[] = [];
    let start = 0;
    for (let i = 0; i < 5; i++) {
      const colon = value.indexOf(':', start);
      if (colon < 0) break;
      parts.push(value.slice(start, colon));
      start = colon + 1;
    }
    parts.push(value.slice(start));
    lastSplit = { value, parts };
  }
  return lastSplit.parts;
}

function arnMatches(pattern: CompiledPattern, value: string): boolean {
  const parts = splitArn(value);
  const { segments } = pattern;
  // open-ended: the last segment's `*` takes the rest of that segment and every later one
  if (pattern.openEnded ? parts.length < segments.length : parts.length !== segments.length) return false;
  return segments.every((segment, i) => wildcardMatch(segment, parts[i] ?? ''));
}

/** The value in lower case; the last one is remembered, as one request meets many patterns. */
let lastLower = { value: '', lower: '' };
function lowerCase(value: string): string {
  if (lastLower.value !== value) lastLower = { value, lower: value.toLowerCase() };
  return lastLower.lower;
}

/** Matches a compiled pattern: true, false, or 'unknown' when it matched only through an unfilled variable. */
export function matchCompiled(pattern: CompiledPattern, value: string): Tri {
  if (pattern.nothing) return false;
  const text = pattern.ignoreCase ? lowerCase(value) : value;
  if (!text.startsWith(pattern.prefix)) return false;
  const hit = pattern.arn ? arnMatches(pattern, text) : wildcardMatch(pattern.segments[0] ?? [], text);
  if (!hit) return false;
  return pattern.unknown ? 'unknown' : true;
}

/** Matches a whole string (actions, StringLike, StringEquals when the template has no wildcards). */
export function matchGlob(tokens: readonly ResolvedToken[], value: string, ignoreCase = false): Tri {
  return matchCompiled(compileGlob(tokens, ignoreCase), value);
}

/** Matches an ARN pattern (case-sensitive) against an ARN. */
export function matchArn(tokens: readonly ResolvedToken[], value: string): Tri {
  return matchCompiled(compileArn(tokens), value);
}

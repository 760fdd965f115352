// The resources an action could be scoped to, out of those the management events and the
// inventory name, read from the catalog's ARN formats. A known resource of the action's own type
// is used as is; a known parent is extended to cover its children, so a bucket gives its
// objects (arn:aws:s3:::b -> arn:aws:s3:::b/* for s3:GetObject) and a table its indexes.
import type { ActionInfo } from '../evaluator/index.js';
import { sortedUnique } from './compare.js';

type Token = { kind: 'text'; text: string } | { kind: 'var'; name: string };

function tokens(format: string): Token[] {
  const out: Token[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    if (m.index > last) out.push({ kind: 'text', text: format.slice(last, m.index) });
    out.push({ kind: 'var', name: m[1] as string });
    last = m.index + m[0].length;
  }
  if (last < format.length) out.push({ kind: 'text', text: format.slice(last) });
  return out;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A format's tokens as a regular expression over ARNs. Partition, region and account stay within
 * their ARN segment; a name stays within its path segment, except a trailing one of the whole
 * format (object keys, role paths and function qualifiers hold `/` and `:`).
 */
function regexOf(parts: readonly Token[], trailingNameIsPath: boolean): RegExp {
  const source = parts
    .map((t, i) => {
      if (t.kind === 'text') return escape(t.text);
      if (t.name === 'Partition') return '[^:]+';
      if (t.name === 'Region' || t.name === 'Account') return '[^:]*';
      return trailingNameIsPath && i === parts.length - 1 ? '.+' : '[^/:]+';
    })
    .join('');
  return new RegExp(`^${source}$`);
}

const colonsIn = (parts: readonly Token[]) => parts.reduce((n, t) => n + (t.kind === 'text' ? t.text.split(':').length - 1 : 0), 0);

/** What is left of a format after a parent prefix, with every name a wildcard: "/${ObjectName}" -> "/*". */
const wildcardSuffix = (parts: readonly Token[]) => parts.map((t) => (t.kind === 'text' ? t.text : '*')).join('');

interface CompiledFormat {
  whole: RegExp;
  /** parents, nearest first: a known parent plus `suffix` covers the type's resources under it */
  parents: { regex: RegExp; suffix: string }[];
}

/** Formats are few and asked about for every known resource: compiled once per process. */
const compiledFormats = new Map<string, CompiledFormat>();

function compile(format: string): CompiledFormat {
  let compiled = compiledFormats.get(format);
  if (compiled !== undefined) return compiled;
  const parts = tokens(format);
  const parents: CompiledFormat['parents'] = [];
  // cut before each text token that starts a child path, past the ARN's 5th colon
  for (let cut = parts.length - 1; cut > 0; cut--) {
    const token = parts[cut] as Token;
    if (token.kind !== 'text' || !/^[/:]/.test(token.text) || !parts.slice(cut).some((t) => t.kind === 'var')) continue;
    const prefix = parts.slice(0, cut);
    if (colonsIn(prefix) < 5 || prefix[prefix.length - 1]?.kind !== 'var') continue;
    parents.push({ regex: regexOf(prefix, false), suffix: wildcardSuffix(parts.slice(cut)) });
  }
  compiled = { whole: regexOf(parts, true), parents };
  compiledFormats.set(format, compiled);
  return compiled;
}

function scopeFor(format: string, known: string): string | undefined {
  const compiled = compile(format);
  if (compiled.whole.test(known)) return known;
  const parent = compiled.parents.find((p) => p.regex.test(known));
  return parent === undefined ? undefined : known + parent.suffix;
}

/** The known resources (or their children) that fit one of the action's resource types, sorted. */
export function knownResourcesFor(info: ActionInfo, knownResources: readonly string[]): string[] {
  const found: string[] = [];
  for (const type of info.resourceTypes) {
    if (type.arnFormat === undefined) continue;
    for (const known of knownResources) {
      if (known === '*') continue;
      const scope = scopeFor(type.arnFormat, known);
      if (scope !== undefined) found.push(scope);
    }
  }
  return sortedUnique(found);
}

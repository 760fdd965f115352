// A policy string (an action or ARN pattern, a condition value) as a list of tokens: literal text,
// the `*` and `?` wildcards, and policy variables (IAM User Guide, "IAM policy elements: Variables
// and tags"): `${key}`, `${key, 'default'}` (a quote inside the default is written ''), and
// `${*}`, `${?}`, `${$}` for those characters taken literally. Variables exist only in
// 2012-10-17 documents; elsewhere `${...}` is plain text.
import type { RequestContext } from './request-context.js';

export type TemplateToken =
  | { kind: 'text'; text: string }
  | { kind: 'star' }
  | { kind: 'one' }
  | { kind: 'variable'; key: string; defaultValue: string | undefined };

/** After substitution: a variable became text, or stays 'unknown', or can match 'nothing'. */
export type ResolvedToken =
  | { kind: 'text'; text: string }
  | { kind: 'star' }
  | { kind: 'one' }
  | { kind: 'unknown'; key: string }
  | { kind: 'nothing'; key: string };

export interface TemplateOptions {
  /** whether `*` and `?` are wildcards (StringLike) or plain characters (StringEquals) */
  wildcards: boolean;
  /** whether `${...}` is a policy variable (2012-10-17, where the element takes variables) */
  variables: boolean;
}

const SPECIAL: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

function pushText(tokens: TemplateToken[], text: string): void {
  if (text === '') return;
  const last = tokens.at(-1);
  if (last?.kind === 'text') last.text += text;
  else tokens.push({ kind: 'text', text });
}

/** `key` or `key, 'default'`; null when the body is not a variable IAM would accept. */
function variableBody(body: string): { key: string; defaultValue: string | undefined } | null {
  const comma = body.indexOf(',');
  if (comma < 0) {
    const key = body.trim();
    return key === '' || /\s/.test(key) ? null : { key, defaultValue: undefined };
  }
  const key = body.slice(0, comma).trim();
  const quoted = body.slice(comma + 1).trim();
  if (key === '' || /\s/.test(key) || quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) return null;
  const inner = quoted.slice(1, -1);
  // a lone quote inside the default ends it early: IAM rejects the variable
  if (inner.replaceAll("''", '').includes("'")) return null;
  return { key, defaultValue: inner.replaceAll("''", "'") };
}

/** Finds the `}` that closes a variable, skipping braces inside a quoted default. */
function closingBrace(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (c === '}' && !quoted) return i;
  }
  return -1;
}

const TEMPLATE_CACHE_LIMIT = 10_000;
/** One cache per option pair, keyed by the text itself: a plan tests the same patterns thousands of times. */
const templateCaches = new Map<string, Map<string, readonly TemplateToken[]>>();

export function parseTemplate(text: string, options: TemplateOptions): readonly TemplateToken[] {
  const cacheName = `${options.wildcards ? 'w' : '-'}${options.variables ? 'v' : '-'}`;
  let cache = templateCaches.get(cacheName);
  if (cache === undefined) templateCaches.set(cacheName, (cache = new Map()));
  let tokens = cache.get(text);
  if (tokens === undefined) {
    if (cache.size >= TEMPLATE_CACHE_LIMIT) cache.clear();
    tokens = tokenize(text, options);
    cache.set(text, tokens);
  }
  return tokens;
}

function tokenize(text: string, options: TemplateOptions): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let plain = '';
  const flush = () => {
    pushText(tokens, plain);
    plain = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (options.variables && c === '$' && text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      const body = end < 0 ? null : text.slice(i + 2, end);
      const special = body === null ? undefined : SPECIAL[body];
      const variable = body === null || special !== undefined ? null : variableBody(body);
      if (special !== undefined || variable !== null) {
        flush();
        if (special !== undefined) pushText(tokens, special);
        else if (variable !== null) tokens.push({ kind: 'variable', ...variable });
        i = end;
        continue;
      }
    }
    if (options.wildcards && (c === '*' || c === '?')) {
      flush();
      tokens.push({ kind: c === '*' ? 'star' : 'one' });
    } else {
      plain += c;
    }
  }
  flush();
  return tokens;
}

/**
 * Fills variables from the context. A substituted value is literal text (its `*` is no
 * wildcard). A multivalued key cannot fill a variable. Without a value, the default is used if
 * the key is known to be absent; an unknown key stays 'unknown'; an absent key without default
 * makes the whole string match nothing, as IAM documents ("any attempt to match it fails").
 */
export function resolveTemplate(tokens: readonly TemplateToken[], context: RequestContext): readonly ResolvedToken[] {
  // the same array back when there is nothing to fill in, so compiled matchers cached by it are reused
  if (!tokens.some((t) => t.kind === 'variable')) return tokens as readonly ResolvedToken[];
  return tokens.map((token): ResolvedToken => {
    if (token.kind !== 'variable') return token;
    const found = context.lookup(token.key);
    if (found.state === 'unknown') return { kind: 'unknown', key: token.key };
    const single = found.state === 'present' && found.values.length === 1 ? found.values[0] : undefined;
    if (single !== undefined) return { kind: 'text', text: single };
    if (token.defaultValue !== undefined) return { kind: 'text', text: token.defaultValue };
    return { kind: 'nothing', key: token.key };
  });
}

/** A pattern in which `${...}` is plain text: actions, and every string of a 2008-10-17 document. */
export function parseLiteralPattern(text: string): readonly ResolvedToken[] {
  // without variables enabled the tokenizer makes no variable tokens
  return parseTemplate(text, { wildcards: true, variables: false }) as readonly ResolvedToken[];
}

/** The keys of the variables in a template, in order of first use. */
export function templateVariables(tokens: readonly TemplateToken[]): string[] {
  const keys: string[] = [];
  for (const t of tokens) if (t.kind === 'variable' && !keys.includes(t.key)) keys.push(t.key);
  return keys;
}

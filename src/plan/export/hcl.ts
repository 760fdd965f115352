// A small HCL writer: just what the Terraform export needs, formatted the way `terraform
// fmt` would (two-space indents, `=` aligned in runs of one-line attributes). Expressions
// are values built in code, never text pasted together, so every string passes through one
// escaper.
import type { JsonValue } from './json-value.js';

export type HclExpr =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  /** an expression written as is: a reference such as aws_iam_role.web.name, a comparison */
  | { kind: 'raw'; text: string }
  | { kind: 'call'; name: string; args: HclExpr[] }
  | { kind: 'tuple'; items: HclExpr[] }
  | { kind: 'object'; entries: [string, HclExpr][] };

export interface HclBlock {
  kind: 'block';
  type: string;
  labels: string[];
  body: HclBodyItem[];
}
export type HclBodyItem = { kind: 'attribute'; name: string; value: HclExpr } | HclBlock;

export const str = (value: string): HclExpr => ({ kind: 'string', value });
export const num = (value: number): HclExpr => ({ kind: 'number', value });
export const raw = (text: string): HclExpr => ({ kind: 'raw', text });
export const call = (name: string, ...args: HclExpr[]): HclExpr => ({ kind: 'call', name, args });
export const tuple = (items: HclExpr[]): HclExpr => ({ kind: 'tuple', items });
export const object = (entries: [string, HclExpr][]): HclExpr => ({ kind: 'object', entries });
export const attr = (name: string, value: HclExpr): HclBodyItem => ({ kind: 'attribute', name, value });
export const block = (type: string, labels: string[], body: HclBodyItem[]): HclBlock => ({ kind: 'block', type, labels, body });

/** A JSON value as the HCL expression `jsonencode` turns back into the same JSON. */
export function fromJson(value: JsonValue): HclExpr {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return num(value);
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (Array.isArray(value)) return tuple(value.map(fromJson));
  return object(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
}

/**
 * An HCL quoted string. Besides quotes, backslashes and control characters, `${` and `%{`
 * start interpolations and directives in HCL, and IAM policy variables such as
 * ${aws:username} are full of them: they are written `$${` and `%%{`, which HCL reads back
 * as the literal text.
 */
export function hclString(value: string): string {
  const escaped = value
    .replace(/[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, escapeChar)
    // a replacer function, as `$$` in a replacement string would itself mean one `$`
    .replace(/\$\{|%\{/g, (opener) => opener[0] + opener);
  return `"${escaped}"`;
}

const NAMED_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  return NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

const INDENT = '  ';
/** tuples of plain values stay on one line up to this width */
const INLINE_TUPLE_WIDTH = 80;

/** Renders an expression; lines after the first are indented to `depth`. */
export function renderExpr(expr: HclExpr, depth: number): string {
  switch (expr.kind) {
    case 'string':
      return hclString(expr.value);
    case 'number':
      return renderNumber(expr.value);
    case 'bool':
      return String(expr.value);
    case 'null':
      return 'null';
    case 'raw':
      return expr.text;
    case 'call':
      return `${expr.name}(${expr.args.map((a) => renderExpr(a, depth)).join(', ')})`;
    case 'tuple':
      return renderTuple(expr.items, depth);
    case 'object':
      if (expr.entries.length === 0) return '{}';
      return ['{', ...renderAligned(expr.entries.map(([k, v]) => [hclString(k), v]), depth + 1), `${INDENT.repeat(depth)}}`].join('\n');
  }
}

function renderNumber(value: number): string {
  // String() gives integers and decimals as HCL numeric literals (1e+21 included); -0 is 0
  return Object.is(value, -0) ? '0' : String(value);
}

function renderTuple(items: HclExpr[], depth: number): string {
  if (items.length === 0) return '[]';
  const plain = items.every((i) => i.kind !== 'tuple' && i.kind !== 'object' && i.kind !== 'call');
  if (plain) {
    const inline = `[${items.map((i) => renderExpr(i, depth)).join(', ')}]`;
    if (inline.length <= INLINE_TUPLE_WIDTH && !inline.includes('\n')) return inline;
  }
  const pad = INDENT.repeat(depth + 1);
  return ['[', ...items.map((i) => `${pad}${renderExpr(i, depth + 1)},`), `${INDENT.repeat(depth)}]`].join('\n');
}

/** `name = value` lines at `depth`, with `=` aligned across runs of one-line values. */
function renderAligned(entries: [string, HclExpr][], depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const rendered = entries.map(([name, value]) => ({ name, text: renderExpr(value, depth) }));
  const lines: string[] = [];
  let run: { name: string; text: string }[] = [];
  const flush = (): void => {
    const width = Math.max(...run.map((e) => e.name.length));
    for (const e of run) lines.push(`${pad}${e.name.padEnd(width)} = ${e.text}`);
    run = [];
  };
  for (const entry of rendered) {
    run.push(entry);
    // a multi-line value ends the run: what follows it is aligned on its own
    if (entry.text.includes('\n')) flush();
  }
  if (run.length > 0) flush();
  return lines;
}

/** Renders a body: attributes first as written, a blank line before each nested block. */
export function renderBody(items: HclBodyItem[], depth: number): string[] {
  const lines: string[] = [];
  let attributes: [string, HclExpr][] = [];
  for (const item of items) {
    if (item.kind === 'attribute') {
      attributes.push([item.name, item.value]);
      continue;
    }
    lines.push(...renderAligned(attributes, depth));
    attributes = [];
    if (lines.length > 0) lines.push('');
    lines.push(...renderBlock(item, depth));
  }
  lines.push(...renderAligned(attributes, depth));
  return lines;
}

export function renderBlock(item: HclBlock, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const head = [item.type, ...item.labels.map(hclString)].join(' ');
  if (item.body.length === 0) return [`${pad}${head} {}`];
  return [`${pad}${head} {`, ...renderBody(item.body, depth + 1), `${pad}}`];
}

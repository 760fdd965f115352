// Reads the Terraform export back with a real HCL parser: hcl2-parser (MIT), HashiCorp's
// hcl/v2 with tmccombs/hcl2json compiled to JavaScript. Literal values come back evaluated
// by HCL itself (so `$${` reads as `${`); any other expression comes back as its source text
// in "${...}". For `jsonencode({...})` the argument, all literals, is parsed again on its own
// and so evaluated by HCL too: what Terraform would encode, compared with the plan's JSON.
import { createRequire } from 'node:module';

interface Hcl2Parser {
  /** [value, null] or [null, error]; the error carries no message */
  parseToObject(source: string): [unknown, unknown];
}

let loaded: Hcl2Parser | undefined;

function hcl2Parser(): Hcl2Parser {
  if (loaded) return loaded;
  try {
    // a CommonJS package whose exports Node's ESM loader cannot see: loaded through require
    loaded = createRequire(import.meta.url)('hcl2-parser') as Hcl2Parser;
    return loaded;
  } catch (e) {
    throw new Error(`the HCL parser these tests need is not installed: npm install --save-dev hcl2-parser@1.0.3 (${(e as Error).message})`);
  }
}

export type HclDocument = Record<string, unknown>;

/** Parses HCL; on a syntax error, says which top-level block does not parse. */
export function parseHcl(source: string): HclDocument {
  const [value] = hcl2Parser().parseToObject(source);
  if (value !== null && typeof value === 'object') return value as HclDocument;
  const blocks = source.split(/\n\n(?=\S)/);
  const bad = blocks.find((b) => hcl2Parser().parseToObject(b)[0] === null);
  throw new Error(`not valid HCL${bad === undefined ? '' : `; this block does not parse:\n${bad}`}`);
}

/** Parses one HCL expression given as source text. */
export function parseHclExpression(source: string): unknown {
  return (parseHcl(`v = ${source}\n`) as { v: unknown }).v;
}

/** The value a `jsonencode(...)` expression, as the parser returns it, would encode. */
export function jsonencodeArgument(parsed: unknown): unknown {
  const match = typeof parsed === 'string' ? /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(parsed) : null;
  if (!match) throw new Error(`not a jsonencode(...) expression: ${String(parsed)}`);
  return parseHclExpression(match[1]!);
}

/** resource "type" "label" { ... } as the parser returns it: one body per block. */
export function resourceBody(doc: HclDocument, type: string, label: string): Record<string, unknown> {
  const resources = (doc.resource ?? {}) as Record<string, Record<string, Record<string, unknown>[]>>;
  const bodies = resources[type]?.[label];
  if (!bodies || bodies.length !== 1) throw new Error(`no single resource ${type}.${label}; have ${Object.keys(resources[type] ?? {}).join(', ')}`);
  return bodies[0]!;
}

export function resourceLabels(doc: HclDocument, type: string): string[] {
  const resources = (doc.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.keys(resources[type] ?? {}).sort();
}

// The part of YAML that docker-compose files use, with the line and column of every scalar
// (a finding needs them): block mappings and sequences, plain, single- and double-quoted
// scalars, one-line flow collections ([a, b], {a: b}), block scalars (| and >), comments,
// anchors, aliases and `<<` merge keys. Only the first document is read. Anything else
// (tags, complex keys, multi-line quoted or flow values) throws YamlSubsetError; the caller
// still scans the file's raw text, so a key is found even where the structure is not.
// (No YAML library is among the dependencies; a full parser would be welcome.)

export interface YamlScalar {
  kind: 'scalar';
  /** null for an empty value, ~ or null */
  value: string | null;
  line: number;
  /** 1-based column of the value's first character (inside the quotes, when quoted) */
  column: number;
}

export interface YamlEntry {
  key: string;
  line: number;
  value: YamlNode;
}

export interface YamlMap {
  kind: 'map';
  entries: YamlEntry[];
  line: number;
}

export interface YamlSeq {
  kind: 'seq';
  items: YamlNode[];
  line: number;
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

export class YamlSubsetError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlSubsetError';
  }
}

interface Line {
  indent: number;
  /** the content after the indentation, without a trailing comment */
  text: string;
  /** the whole physical line, for block scalars */
  raw: string;
  line: number;
  /** 1-based column of the content's first character */
  column: number;
}

export function parseYaml(text: string): YamlNode | undefined {
  const lines = contentLines(text);
  if (lines.length === 0) return undefined;
  const parser = new Parser(lines);
  const node = parser.block(-1);
  parser.expectEnd();
  return node;
}

/** The value under a key of a mapping (the last, if repeated). */
export function yamlGet(node: YamlNode | undefined, key: string): YamlNode | undefined {
  return node?.kind === 'map' ? node.entries.findLast((e) => e.key === key)?.value : undefined;
}

function contentLines(text: string): Line[] {
  const lines: Line[] = [];
  const physical = text.split('\n');
  let seenContent = false;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '---' || trimmed.startsWith('--- ') || trimmed === '...') {
      if (seenContent) break; // a second document
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    const content = stripComment(raw.slice(indent)).trimEnd();
    if (content === '') continue;
    seenContent = true;
    lines.push({ indent, text: content, raw, line: i + 1, column: indent + 1 });
  }
  return lines;
}

/** The text before a ` #` comment; `#` inside quotes that open a token does not count. */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    const before = text.slice(0, i).trimEnd();
    if ((c === '"' || c === "'") && (before === '' || /[:\-[{,]$/.test(before))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  return text;
}

const isSequenceItem = (text: string): boolean => text === '-' || text.startsWith('- ');

/** `key: value` (or `key:`) with the key unquoted and the value's offset in the text, or undefined. */
function splitEntry(text: string): { key: string; rest: string; restOffset: number } | undefined {
  let keyEnd: number;
  let key: string;
  if (text[0] === '"' || text[0] === "'") {
    const close = closingQuote(text, 0);
    if (close === -1) return undefined;
    key = unquote(text.slice(0, close + 1));
    keyEnd = close + 1;
    while (text[keyEnd] === ' ') keyEnd++;
    if (text[keyEnd] !== ':') return undefined;
  } else {
    if (/^[[{&*!|>]/.test(text) || isSequenceItem(text)) return undefined;
    const m = /:(?: |$)/.exec(text);
    if (!m) return undefined;
    keyEnd = m.index;
    key = text.slice(0, keyEnd).trim();
  }
  const after = keyEnd + 1;
  const rest = text.slice(after);
  const lead = rest.length - rest.trimStart().length;
  return { key, rest: rest.trim(), restOffset: after + lead };
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

function unquote(written: string): string {
  if (written.startsWith("'")) return written.slice(1, -1).replace(/''/g, "'");
  if (!written.startsWith('"')) return written;
  const body = written.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ' } as Record<string, string>)[e] ?? e;
  });
}

function scalar(text: string, line: number, column: number): YamlScalar {
  if (text[0] === '"' || text[0] === "'") {
    const close = closingQuote(text, 0);
    if (close === -1) throw new YamlSubsetError('a quoted value that goes on past its line is not supported', line);
    return { kind: 'scalar', value: unquote(text.slice(0, close + 1)), line, column: column + 1 };
  }
  const value = text.trim();
  return { kind: 'scalar', value: value === '' || value === '~' || /^null$/i.test(value) ? null : value, line, column };
}

class Parser {
  private pos = 0;
  private readonly anchors = new Map<string, YamlNode>();

  constructor(private readonly lines: Line[]) {}

  expectEnd(): void {
    const left = this.lines[this.pos];
    if (left) throw new YamlSubsetError('unexpected indentation', left.line);
  }

  /** The node whose lines are indented deeper than `parent`; an empty scalar when there is none. */
  block(parent: number): YamlNode {
    const first = this.lines[this.pos];
    if (!first || first.indent <= parent) return { kind: 'scalar', value: null, line: first?.line ?? 0, column: 0 };
    return this.nodeAt(first);
  }

  private nodeAt(first: Line): YamlNode {
    if (isSequenceItem(first.text)) return this.sequence(first.indent);
    if (splitEntry(first.text)) return this.mapping(first.indent);
    this.pos++;
    return this.inline(first.text, first, first.column, first.indent);
  }

  private sequence(indent: number): YamlSeq {
    const seq: YamlSeq = { kind: 'seq', items: [], line: this.lines[this.pos]!.line };
    for (let l = this.lines[this.pos]; l && l.indent === indent && isSequenceItem(l.text); l = this.lines[this.pos]) {
      const rest = l.text.slice(1).trimStart();
      if (rest === '') {
        this.pos++;
        seq.items.push(this.block(indent));
        continue;
      }
      // `- key: value` opens a mapping whose keys line up with `key`: read the rest of the
      // line as a line of its own, indented that far.
      const offset = l.text.length - rest.length;
      this.lines[this.pos] = { ...l, indent: indent + offset, text: rest, column: l.column + offset };
      seq.items.push(this.nodeAt(this.lines[this.pos]!));
    }
    return seq;
  }

  private mapping(indent: number): YamlMap {
    const map: YamlMap = { kind: 'map', entries: [], line: this.lines[this.pos]!.line };
    for (let l = this.lines[this.pos]; l && l.indent === indent; l = this.lines[this.pos]) {
      const entry = splitEntry(l.text);
      if (!entry) break;
      this.pos++;
      const value = this.inline(entry.rest, l, l.column + entry.restOffset, indent, true);
      if (entry.key === '<<') this.merge(map, value, l.line);
      else map.entries.push({ key: entry.key, line: l.line, value });
    }
    return map;
  }

  private merge(into: YamlMap, value: YamlNode, line: number): void {
    const sources = value.kind === 'seq' ? value.items : [value];
    for (const source of sources) {
      if (source.kind !== 'map') throw new YamlSubsetError('<< merges a mapping', line);
      for (const entry of source.entries) if (!into.entries.some((e) => e.key === entry.key)) into.entries.push(entry);
    }
  }

  /** A value that starts on a line already consumed: scalar, flow, block scalar, alias, or the block below. */
  private inline(text: string, at: Line, column: number, indent: number, mapValue = false): YamlNode {
    let anchor: string | undefined;
    const anchored = /^&(\S+)\s*/.exec(text);
    if (anchored) {
      anchor = anchored[1];
      text = text.slice(anchored[0].length);
      column += anchored[0].length;
    }
    let node: YamlNode;
    if (text.startsWith('*')) {
      const aliased = this.anchors.get(text.slice(1).trim());
      if (!aliased) throw new YamlSubsetError('an alias to an anchor not defined before it', at.line); // the name is file content: not repeated
      node = aliased;
    } else if (text.startsWith('!')) {
      throw new YamlSubsetError('tags are not supported', at.line);
    } else if (text === '') {
      const next = this.lines[this.pos];
      // a mapping's value may be a sequence at the mapping's own indentation
      if (mapValue && next && next.indent === indent && isSequenceItem(next.text)) node = this.sequence(indent);
      else node = this.block(indent);
      if (node.kind === 'scalar' && node.value === null) node = { ...node, line: at.line, column };
    } else if (text[0] === '|' || text[0] === '>') {
      node = this.blockScalar(text[0] === '|', at, indent);
    } else if (text[0] === '[' || text[0] === '{') {
      node = new FlowParser(text, at.line, column).parse();
    } else {
      node = scalar(text, at.line, column);
    }
    if (anchor !== undefined) this.anchors.set(anchor, node);
    return node;
  }

  private blockScalar(literal: boolean, at: Line, indent: number): YamlScalar {
    const parts: string[] = [];
    let first: Line | undefined;
    for (let l = this.lines[this.pos]; l && l.indent > indent; l = this.lines[this.pos]) {
      first ??= l;
      parts.push(l.raw.slice(Math.min(first.indent, l.indent)));
      this.pos++;
    }
    if (!first) return { kind: 'scalar', value: '', line: at.line, column: at.column };
    return { kind: 'scalar', value: parts.join(literal ? '\n' : ' '), line: first.line, column: first.column };
  }
}

/** One-line flow collections: [a, "b", {c: d}]. */
class FlowParser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly column: number,
  ) {}

  parse(): YamlNode {
    const node = this.value();
    this.space();
    if (this.i < this.text.length) throw new YamlSubsetError('unexpected text after a flow collection', this.line);
    return node;
  }

  private space(): void {
    while (this.text[this.i] === ' ') this.i++;
  }

  private value(): YamlNode {
    this.space();
    const c = this.text[this.i];
    if (c === '[') return this.sequence();
    if (c === '{') return this.mapping();
    return this.scalarUntil();
  }

  private sequence(): YamlSeq {
    const seq: YamlSeq = { kind: 'seq', items: [], line: this.line };
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === ']') break;
      if (this.i >= this.text.length) throw new YamlSubsetError('a flow sequence that goes on past its line is not supported', this.line);
      seq.items.push(this.value());
      this.space();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
    return seq;
  }

  private mapping(): YamlMap {
    const map: YamlMap = { kind: 'map', entries: [], line: this.line };
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === '}') break;
      if (this.i >= this.text.length) throw new YamlSubsetError('a flow mapping that goes on past its line is not supported', this.line);
      const key = this.scalarUntil(':');
      if (this.text[this.i] === ':') this.i++;
      const value = this.text[this.i] === ',' || this.text[this.i] === '}' ? scalar('', this.line, this.column + this.i) : this.value();
      map.entries.push({ key: key.value ?? '', line: this.line, value });
      this.space();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
    return map;
  }

  private scalarUntil(extraStop = ''): YamlScalar {
    this.space();
    const start = this.i;
    if (this.text[start] === '"' || this.text[start] === "'") {
      const close = closingQuote(this.text, start);
      if (close === -1) throw new YamlSubsetError('unterminated quoted value', this.line);
      this.i = close + 1;
      return scalar(this.text.slice(start, close + 1), this.line, this.column + start);
    }
    while (this.i < this.text.length && !`,]}${extraStop}`.includes(this.text[this.i]!)) this.i++;
    return scalar(this.text.slice(start, this.i), this.line, this.column + start);
  }
}

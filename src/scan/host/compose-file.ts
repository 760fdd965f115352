// What a docker-compose file gives each service's environment: `environment:` as a mapping
// (`KEY: value`) or a list (`- KEY=value`, `- KEY` to pass a value through), and `env_file:`
// as a path, a list of paths, or a list of `{path, required}`. Values are as written;
// interpolation (${VAR} from the project's .env) is the caller's business.
//
// The file is read with the `yaml` package (YAML 1.2, plus the `<<` merge keys compose files
// use with anchors), walking its syntax tree rather than plain values: a finding needs the
// line and column of every value. Only the first document is read, as compose does.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Assignment } from './assignment.js';

export interface ComposeEnvFile {
  path: string;
  required: boolean;
  line: number;
}

export interface ComposeService {
  name: string;
  line: number;
  /** `environment:` entries; a value of null passes the variable through from the environment */
  environment: (Assignment & { passThrough: boolean })[];
  envFiles: ComposeEnvFile[];
}

/** A compose file that is not valid YAML; the message names a line and the problem, never the file's text. */
export class ComposeSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ComposeSyntaxError';
  }
}

// Merges of merges deeper than this are not written by people; the bound stops alias bombs.
const MAX_MERGE_DEPTH = 16;

/** The services of a compose file; throws ComposeSyntaxError when the file is not valid YAML. */
export function parseComposeFile(text: string, file: string): ComposeService[] {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { merge: true, prettyErrors: false, lineCounter: lines });
  if (!Array.isArray(parsed) || parsed.length === 0) return [];
  const doc = parsed[0]!;
  const error = doc.errors[0];
  // The parser's own messages are generic ("Missing closing quote"); its pretty form would quote the file.
  if (error) throw new ComposeSyntaxError(error.message, lines.linePos(error.pos[0]).line);
  const tree = new ComposeTree(doc, text, lines);
  const services = tree.get(doc.contents, 'services');
  return tree.entries(services).map(({ key: name, line, value: service }) => ({
    name,
    line,
    environment: environmentOf(tree, tree.get(service, 'environment'), name, file),
    envFiles: envFilesOf(tree, tree.get(service, 'env_file')),
  }));
}

/** A scalar as compose reads it: its text (null for `~`, `null` or nothing) and where the text starts. */
interface PlacedScalar {
  value: string | null;
  line: number;
  /** 1-based column of the value's first character (inside the quotes, when quoted) */
  column: number;
}

interface MapEntry {
  key: string;
  line: number;
  value: Node | null;
}

/** Reading the syntax tree: aliases followed, merge keys applied, scalars placed. */
class ComposeTree {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  /** A node with an alias followed to its anchor. */
  deref(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  /** A mapping's entries in order, `<<` merges in place; an explicit key wins over a merged one. */
  entries(node: unknown, depth = 0): MapEntry[] {
    const map = this.deref(node);
    if (!isMap(map) || depth > MAX_MERGE_DEPTH) return [];
    const explicit = new Set<string>();
    for (const pair of map.items) if (isScalar(pair.key) && typeof pair.key.value !== 'symbol') explicit.add(String(pair.key.value));
    const found: MapEntry[] = [];
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue; // complex keys name nothing compose knows
      if (typeof pair.key.value === 'symbol') {
        const value = this.deref(pair.value);
        const sources = isSeq(value) ? value.items : [value];
        for (const source of sources) {
          for (const merged of this.entries(source, depth + 1)) {
            if (!explicit.has(merged.key) && !found.some((e) => e.key === merged.key)) found.push(merged);
          }
        }
        continue;
      }
      found.push({ key: String(pair.key.value), line: this.lineOf(pair.key), value: this.deref(pair.value) });
    }
    return found;
  }

  /** The value under a key of a mapping (the last, if repeated). */
  get(node: unknown, key: string): Node | null {
    return this.entries(node).findLast((e) => e.key === key)?.value ?? null;
  }

  items(node: unknown): (Node | null)[] {
    const seq = this.deref(node);
    return isSeq(seq) ? seq.items.map((item) => this.deref(item)) : [];
  }

  /** A scalar's text and position; undefined for a collection. An empty value sits where its key's line says. */
  scalar(node: Node | null, fallbackLine: number): PlacedScalar | undefined {
    if (node === null) return { value: null, line: fallbackLine, column: 0 };
    if (!isScalar(node)) return undefined;
    const [start, end] = node.range ?? [0, 0];
    const at = this.lines.linePos(start);
    const placed = { line: at.line, column: at.col };
    switch (node.type) {
      case 'QUOTE_DOUBLE':
      case 'QUOTE_SINGLE':
        return { value: String(node.value), ...placed, column: at.col + 1 };
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED':
        return { value: String(node.value), ...this.firstContentAfter(start) };
      default: {
        if (node.value === null) return { value: null, ...placed };
        // Numbers and booleans as written: compose hands the text to the container.
        return { value: typeof node.value === 'string' ? node.value : this.text.slice(start, end), ...placed };
      }
    }
  }

  lineOf(node: Node): number {
    return this.lines.linePos(node.range?.[0] ?? 0).line;
  }

  /** Where a block scalar's text starts: the first non-blank character after its header line. */
  private firstContentAfter(header: number): { line: number; column: number } {
    const lineEnd = this.text.indexOf('\n', header);
    const content = lineEnd === -1 ? -1 : this.text.slice(lineEnd + 1).search(/\S/);
    const offset = content === -1 ? header : lineEnd + 1 + content;
    const at = this.lines.linePos(offset);
    return { line: at.line, column: at.col };
  }
}

/** Compose's `!reset` tag drops an inherited value; such an entry sets nothing. */
const isReset = (node: Node | null): boolean => node !== null && node.tag === '!reset';

function environmentOf(tree: ComposeTree, node: Node | null, service: string, file: string): ComposeService['environment'] {
  const environment: ComposeService['environment'] = [];
  if (isMap(node)) {
    for (const { key, line, value } of tree.entries(node)) {
      const placed = isReset(value) ? undefined : tree.scalar(value, line);
      if (!placed) continue;
      environment.push({ variable: key, value: placed.value ?? '', passThrough: placed.value === null, file, line: placed.line, column: placed.column || undefined, section: service });
    }
  } else if (isSeq(node)) {
    for (const item of tree.items(node)) {
      const placed = tree.scalar(item, 0);
      if (!placed || placed.value === null) continue;
      const eq = placed.value.indexOf('=');
      const variable = eq === -1 ? placed.value : placed.value.slice(0, eq);
      const value = eq === -1 ? '' : placed.value.slice(eq + 1);
      environment.push({ variable, value, passThrough: eq === -1, file, line: placed.line, column: placed.column + eq + 1, section: service });
    }
  }
  return environment;
}

function envFilesOf(tree: ComposeTree, node: Node | null): ComposeEnvFile[] {
  if (node === null) return [];
  const items = isSeq(node) ? tree.items(node) : [node];
  const files: ComposeEnvFile[] = [];
  for (const item of items) {
    const direct = tree.scalar(item, 0);
    if (direct?.value != null) files.push({ path: direct.value, required: true, line: direct.line });
    if (!isMap(item)) continue;
    const path = tree.scalar(tree.get(item, 'path'), 0);
    if (path?.value == null) continue;
    const required = tree.scalar(tree.get(item, 'required'), 0);
    files.push({ path: path.value, required: required?.value !== 'false', line: path.line });
  }
  return files;
}

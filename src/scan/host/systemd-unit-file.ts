// One systemd unit file or drop-in, as systemd.syntax(7) reads it: `[Section]` headers,
// `Key=Value` directives, `#` and `;` comment lines, a trailing backslash continuing a line.
// Environment= holds space-separated assignments, each of which may be quoted in part or in
// whole with double quotes (C escapes) or single quotes: Environment="A=1 2" B=3 'C=4'.
import type { Assignment } from './assignment.js';

export interface UnitDirective {
  section: string;
  key: string;
  value: string;
  line: number;
  /** 1-based column of the value's first character on its first line */
  column: number;
}

export function parseUnitFile(text: string): UnitDirective[] {
  const directives: UnitDirective[] = [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(first);
    if (header) {
      section = header[1]!;
      continue;
    }
    const line = i + 1;
    let joined = first;
    while (joined.endsWith('\\') && i + 1 < lines.length) joined = `${joined.slice(0, -1)} ${lines[++i]!}`;
    const eq = joined.indexOf('=');
    if (eq === -1) continue;
    const rest = joined.slice(eq + 1);
    const lead = rest.length - rest.trimStart().length;
    directives.push({ section, key: joined.slice(0, eq).trim(), value: rest.trim(), line, column: eq + 1 + lead + 1 });
  }
  return directives;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const C_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", s: ' ' };

/** The assignments of one Environment= value, each with the column its value starts at. */
export function environmentAssignments(directive: UnitDirective, file: string): Assignment[] {
  const assignments: Assignment[] = [];
  for (const word of words(directive.value)) {
    const eq = word.text.indexOf('=');
    if (eq <= 0 || !VARIABLE_NAME.test(word.text.slice(0, eq))) continue; // systemd ignores these too
    const valueStart = word.sourceIndex[eq + 1] ?? word.end;
    assignments.push({
      variable: word.text.slice(0, eq),
      value: word.text.slice(eq + 1),
      file,
      line: directive.line,
      column: directive.column + valueStart,
      section: directive.section,
    });
  }
  return assignments;
}

interface Word {
  text: string;
  /** for each character of the unquoted text, its offset in the written value */
  sourceIndex: number[];
  end: number;
}

/** Whitespace-separated words with quotes removed and escapes resolved, as systemd's extract_first_word does. */
function words(value: string): Word[] {
  const found: Word[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    if (i >= value.length) break;
    const word: Word = { text: '', sourceIndex: [], end: i };
    let quote: string | undefined;
    for (; i < value.length; i++) {
      const c = value[i]!;
      if (!quote && /\s/.test(c)) break;
      if (!quote && (c === '"' || c === "'")) {
        quote = c;
        continue;
      }
      if (quote && c === quote) {
        quote = undefined;
        continue;
      }
      if (c === '\\' && quote !== "'" && i + 1 < value.length) {
        const next = value[++i]!;
        word.text += C_ESCAPES[next] ?? next;
        word.sourceIndex.push(i - 1);
        continue;
      }
      word.text += c;
      word.sourceIndex.push(i);
    }
    word.end = i;
    found.push(word);
  }
  return found;
}

/** An EnvironmentFile= value: the path, and whether a leading `-` makes a missing file acceptable. */
export function environmentFilePath(value: string): { path: string; optional: boolean } {
  const optional = value.startsWith('-');
  return { path: (optional ? value.slice(1) : value).trim(), optional };
}

// INI files as the AWS CLI, s3cmd, boto and rclone write them: `[section]` headers and
// `key = value` (or `key: value`) entries; `#` and `;` start comment lines. An indented line
// after a key with no value belongs to that key (the AWS config's nested `s3 =` settings)
// and is not an entry of its own.

export interface IniEntry {
  key: string;
  value: string;
  line: number;
  /** 1-based column of the value's first character */
  column: number;
}

export interface IniSection {
  /** the header as written between the brackets, trimmed; undefined before the first header */
  name: string | undefined;
  line: number;
  entries: IniEntry[];
}

export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [{ name: undefined, line: 1, entries: [] }];
  let nestedUnder: IniEntry | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) {
      sections.push({ name: header[1]!.trim(), line: index + 1, entries: [] });
      nestedUnder = undefined;
      return;
    }
    if (nestedUnder && /^\s/.test(line)) return;
    const delimiter = firstDelimiter(line);
    if (delimiter === -1) return;
    const key = line.slice(0, delimiter).trim();
    if (key === '') return;
    const rest = line.slice(delimiter + 1);
    const lead = rest.length - rest.trimStart().length;
    const entry = { key, value: rest.trim(), line: index + 1, column: delimiter + 1 + lead + 1 };
    sections.at(-1)!.entries.push(entry);
    nestedUnder = entry.value === '' ? entry : undefined;
  });
  return sections.filter((s) => s.name !== undefined || s.entries.length > 0);
}

/** The first `=` or `:`, whichever comes first, as Python's configparser splits. */
function firstDelimiter(line: string): number {
  const eq = line.indexOf('=');
  const colon = line.indexOf(':');
  if (eq === -1) return colon;
  if (colon === -1) return eq;
  return Math.min(eq, colon);
}

/** The section a line belongs to: the last header at or above it. */
export function sectionOfLine(sections: readonly IniSection[], line: number): string | undefined {
  let name: string | undefined;
  for (const s of sections) if (s.line <= line && s.name !== undefined) name = s.name;
  return name;
}

/** The value of a key in a section; keys compare without case, the last one wins. */
export function iniEntry(section: IniSection, key: string): IniEntry | undefined {
  const wanted = key.toLowerCase();
  return section.entries.findLast((e) => e.key.toLowerCase() === wanted);
}

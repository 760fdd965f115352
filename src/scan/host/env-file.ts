// Environment files: /etc/environment, /etc/default/*, systemd EnvironmentFile=, compose
// env_file and .env. One `NAME=value` per line, optionally after `export`; values bare
// (an unquoted ` #` starts a comment), in double quotes (with backslash escapes) or in single
// quotes (literal). Lines that are not assignments (shell code in /etc/default) are skipped.
import type { Assignment } from './assignment.js';

const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)/;

export function parseEnvFile(text: string, file?: string): Assignment[] {
  const assignments: Assignment[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = ASSIGNMENT.exec(line);
    if (!m) return;
    const start = m[0].length;
    const { value, offset } = envValue(line.slice(start));
    assignments.push({ variable: m[2]!, value, file, line: index + 1, column: start + offset + 1 });
  });
  return assignments;
}

/** A value as written after `=`: unquoted and unescaped, with the offset of its first character. */
export function envValue(written: string): { value: string; offset: number } {
  const quote = written[0];
  if (quote === "'") {
    const end = written.indexOf("'", 1);
    return { value: written.slice(1, end === -1 ? undefined : end), offset: 1 };
  }
  if (quote === '"') {
    let value = '';
    for (let i = 1; i < written.length; i++) {
      const c = written[i]!;
      if (c === '"') break;
      if (c === '\\' && i + 1 < written.length) {
        const next = written[++i]!;
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      } else value += c;
    }
    return { value, offset: 1 };
  }
  const comment = written.search(/\s#/);
  return { value: (comment === -1 ? written : written.slice(0, comment)).trim(), offset: 0 };
}

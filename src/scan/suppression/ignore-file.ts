// The ignore file (.keyshiftignore at the scanned root, or --ignore-file): one entry per
// line, either a finding fingerprint (ks1: + 16 hex, optionally followed by "# why") or a
// path pattern with gitignore semantics close enough for this use:
//   - blank lines and lines starting with # are skipped (\# and \! escape a leading # or !);
//   - a pattern without a slash (other than a trailing one) matches a name at any depth;
//   - a pattern with a slash is anchored at the root (a leading / is optional);
//   - a trailing / matches directories only; a matched directory takes everything under it;
//   - ! re-includes what an earlier pattern excluded, except inside an excluded directory;
//   - *, ?, [...] and ** are picomatch globs, and dotfiles match like any other name.
import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { badInput } from '../../errors.js';
import type { Finding } from '../../model/finding.js';

export const DEFAULT_IGNORE_FILE = '.keyshiftignore';

export interface IgnoreRules {
  /** fingerprints of findings to suppress */
  readonly fingerprints: ReadonlySet<string>;
  /** the path patterns, as written (after unescaping) */
  readonly patterns: readonly string[];
  /** a fingerprint match, or for a repository location a path match */
  ignoresFinding(finding: Finding): boolean;
  /** whether a path relative to the root is ignored; a trailing / asks about a directory */
  ignoresPath(relPath: string): boolean;
}

interface PathRule {
  negate: boolean;
  dirOnly: boolean;
  /** match the last path segment only (the pattern has no slash) */
  basename: boolean;
  matches: (path: string) => boolean;
}

const FINGERPRINT_ENTRY = /^(ks1:[0-9a-f]{16})(?:\s+#.*)?$/i;

export function parseIgnoreRules(text: string, source = DEFAULT_IGNORE_FILE): IgnoreRules {
  const fingerprints = new Set<string>();
  const patterns: string[] = [];
  const rules: PathRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/^ks1:/i.test(line)) {
      const fp = FINGERPRINT_ENTRY.exec(line)?.[1];
      if (!fp) {
        throw badInput(
          `${source} line ${index + 1} is not a finding fingerprint: expected ks1: followed by 16 hex digits`,
          'copy the fingerprint from a keyshift report',
        );
      }
      fingerprints.add(fp.toLowerCase());
      return;
    }
    const rule = pathRule(line);
    if (rule) {
      rules.push(rule.rule);
      patterns.push(rule.pattern);
    }
  });
  return new PathIgnoreRules(fingerprints, patterns, rules);
}

/**
 * Reads an ignore file. A missing file is an error when the user named it (`explicit`, the
 * default) and means "no rules" for the default .keyshiftignore at the scanned root.
 */
export async function loadIgnoreFile(path: string, options: { explicit?: boolean } = {}): Promise<IgnoreRules> {
  const explicit = options.explicit ?? true;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return parseIgnoreRules('', path);
    throw badInput(
      `cannot read the ignore file ${path}: ${code ?? (e as Error).message}`,
      code === 'ENOENT' ? 'check the --ignore-file path' : undefined,
      e,
    );
  }
  return parseIgnoreRules(text, path);
}

function pathRule(line: string): { rule: PathRule; pattern: string } | undefined {
  let pattern = line;
  const negate = pattern.startsWith('!');
  if (negate) pattern = pattern.slice(1);
  else if (pattern.startsWith('\\#') || pattern.startsWith('\\!')) pattern = pattern.slice(1);
  const dirOnly = pattern.endsWith('/');
  pattern = pattern.replace(/\/+$/, '');
  const basename = !pattern.includes('/');
  pattern = pattern.replace(/^\/+/, '');
  if (pattern === '') return undefined;
  // nonegate: a leading ! was handled above; picomatch must not read one as "everything but"
  const matches = picomatch(pattern, { dot: true, nonegate: true, windows: false });
  return { rule: { negate, dirOnly, basename, matches }, pattern: `${negate ? '!' : ''}${pattern}${dirOnly ? '/' : ''}` };
}

class PathIgnoreRules implements IgnoreRules {
  // Directory decisions repeat for every file under them: the walker asks once per file.
  private readonly dirCache = new Map<string, boolean>();

  constructor(
    readonly fingerprints: ReadonlySet<string>,
    readonly patterns: readonly string[],
    private readonly rules: readonly PathRule[],
  ) {}

  ignoresFinding(finding: Finding): boolean {
    if (this.fingerprints.has(finding.fingerprint)) return true;
    return finding.location.type === 'repository' && this.ignoresPath(finding.location.path);
  }

  ignoresPath(relPath: string): boolean {
    if (this.rules.length === 0) return false;
    const isDir = relPath.endsWith('/');
    // Paths are relative with forward slashes (the Location model); a backslash is an
    // ordinary character in a POSIX file name, so it is not read as a separator.
    const segments = relPath.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0) return false;
    // As in git, nothing inside an excluded directory can be re-included.
    for (let depth = 1; depth < segments.length; depth++) {
      if (this.ignoresDirectory(segments.slice(0, depth))) return true;
    }
    return isDir ? this.ignoresDirectory(segments) : this.lastMatch(segments, false) === true;
  }

  private ignoresDirectory(segments: string[]): boolean {
    const key = segments.join('/');
    let ignored = this.dirCache.get(key);
    if (ignored === undefined) {
      ignored = this.lastMatch(segments, true) === true;
      this.dirCache.set(key, ignored);
    }
    return ignored;
  }

  /** The last rule that matches decides: true ignored, false re-included, undefined no match. */
  private lastMatch(segments: string[], isDir: boolean): boolean | undefined {
    const full = segments.join('/');
    const name = segments[segments.length - 1] ?? '';
    let decision: boolean | undefined;
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.matches(rule.basename ? name : full)) decision = !rule.negate;
    }
    return decision;
  }
}

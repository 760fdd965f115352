// `scan repo`: the working trees under the given paths and, with history, every blob of their
// repositories. A finding is one credential at one path; when it is both in the working tree
// and in history it is one finding with the history's provenance and the working tree's line.
import { throwIfAborted, usageError } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { Finding } from '../../model/finding.js';
import type { ScanProblem, ScanStats } from '../../model/findings-document.js';
import type { LocatedDetection } from './located-detection.js';
import { fingerprintOf, repositoryFinding } from './repository-finding.js';
import { resolveTarget, type RepoTarget } from './resolve-targets.js';
import { scanHistory } from './scan-history.js';
import { addStats, emptyStats } from './scan-stats.js';
import { scanWorktree } from './scan-worktree.js';
import { isWithin } from './walk-worktree.js';

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

export interface ScanRepoOptions {
  /** directories or files; none means the current directory */
  paths: string[];
  /** also scan every blob reachable from any ref of the repositories the paths are in */
  history: boolean;
  /** files and blobs above this many bytes are skipped and counted; default 1 MiB */
  maxFileSize?: number;
  host: IoHost;
  signal?: AbortSignal;
  /** the scan's clock, for the document's asOf; the scan itself does not need it */
  now: Date;
  /**
   * Paths to leave out (relative to the root, forward slashes). Asked about files, and about
   * directories with a trailing '/' so a whole tree can be skipped without being walked.
   */
  ignorePath?: (relPath: string) => boolean;
  /** Per-root ignore rules (each repository has its own .keyshiftignore); wins over ignorePath. */
  ignorePathFor?: (root: string) => Promise<((relPath: string) => boolean) | undefined>;
}

export interface ScanRepoResult {
  findings: Finding[];
  /** suppressed.inline counts credentials left out because every sighting had keyshift:allow */
  stats: ScanStats;
  problems: ScanProblem[];
  /** the absolute roots finding paths are relative to */
  roots: string[];
}

/** The paths that share a root, scanned together. */
interface RootScan {
  root: string;
  realRoot: string;
  worktreeStarts: string[];
  history: { cwd: string; within: string[] } | undefined;
}

export async function scanRepo(options: ScanRepoOptions): Promise<ScanRepoResult> {
  const { host, signal } = options;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (!Number.isSafeInteger(maxFileSize) || maxFileSize <= 0) {
    throw usageError(`the maximum file size must be a positive number of bytes, not ${maxFileSize}`);
  }
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  const targets: RepoTarget[] = [];
  for (const path of paths) targets.push(await resolveTarget(path, options.history, signal));

  const stats = emptyStats();
  const problems: ScanProblem[] = [];
  const findings: Finding[] = [];
  const groups = groupByRoot(targets);
  for (const group of groups) {
    throwIfAborted(signal);
    const ignorePath = (await options.ignorePathFor?.(group.root)) ?? options.ignorePath;
    const worktree: LocatedDetection[] = [];
    for (const start of group.worktreeStarts) {
      host.notify({ type: 'phase', phase: 'worktree', message: `scanning the files under ${start}` });
      const scan = await scanWorktree({ start, root: group.realRoot, maxFileSize, host, signal, ignorePath });
      worktree.push(...scan.detections);
      addStats(stats, scan.stats);
      problems.push(...scan.problems);
    }
    let history: LocatedDetection[] | undefined;
    if (group.history) {
      const scan = await scanHistory({ cwd: group.history.cwd, within: group.history.within, maxFileSize, host, signal, ignorePath });
      history = scan.detections;
      addStats(stats, scan.stats);
      problems.push(...scan.problems);
    }
    const merged = mergeSightings(group.root, worktree, history);
    findings.push(...merged.findings);
    stats.suppressed.inline += merged.suppressedInline;
  }

  findings.sort(compareFindings);
  problems.sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.reason, b.reason));
  return { findings, stats, problems, roots: groups.map((g) => g.root) };
}

function groupByRoot(targets: readonly RepoTarget[]): RootScan[] {
  const groups = new Map<string, RootScan>();
  for (const target of targets) {
    let group = groups.get(target.root);
    if (!group) groups.set(target.root, (group = { root: target.root, realRoot: target.realRoot, worktreeStarts: [], history: undefined }));
    if (target.worktreeStart !== undefined) group.worktreeStarts.push(target.worktreeStart);
    if (target.history) {
      group.history ??= { cwd: target.history.cwd, within: [] };
      group.history.within.push(target.history.within);
    }
  }
  for (const group of groups.values()) group.worktreeStarts = outermost(group.worktreeStarts);
  return [...groups.values()];
}

/** Drops starts that lie under another start, so no file is scanned twice. */
function outermost(starts: string[]): string[] {
  const unique = [...new Set(starts)].sort();
  return unique.filter((start) => !unique.some((other) => other !== start && isWithin(other, start)));
}

interface Sightings {
  worktree?: LocatedDetection;
  history?: LocatedDetection;
}

/**
 * One finding per fingerprint. A credential is suppressed inline only when no sighting of it
 * (working tree or any history version) lacks the keyshift:allow comment.
 */
function mergeSightings(
  root: string,
  worktree: readonly LocatedDetection[],
  history: readonly LocatedDetection[] | undefined,
): { findings: Finding[]; suppressedInline: number } {
  const byFingerprint = new Map<string, Sightings>();
  const add = (where: keyof Sightings, sighting: LocatedDetection) => {
    const fingerprint = fingerprintOf(sighting.path, sighting.detection);
    let entry = byFingerprint.get(fingerprint);
    if (!entry) byFingerprint.set(fingerprint, (entry = {}));
    const known = entry[where];
    if (!known || preferred(sighting, known)) entry[where] = sighting;
  };
  for (const sighting of worktree) add('worktree', sighting);
  for (const sighting of history ?? []) add('history', sighting);

  const findings: Finding[] = [];
  let suppressedInline = 0;
  for (const { worktree: inTree, history: inHistory } of byFingerprint.values()) {
    const reportable = [inTree, inHistory].find((s) => s !== undefined && !s.detection.allowed);
    if (!reportable) {
      suppressedInline++;
      continue;
    }
    // Lines as the operator sees them now; provenance from history.
    const shown = inTree ?? reportable;
    findings.push(
      repositoryFinding(reportable.detection, {
        root,
        path: shown.path,
        line: shown.detection.line,
        column: shown.detection.column,
        inWorkingTree: history === undefined || inTree !== undefined,
        git: inHistory?.git,
      }),
    );
  }
  return { findings, suppressedInline };
}

/** Unsuppressed before allowed, then the first in the file. */
function preferred(candidate: LocatedDetection, than: LocatedDetection): boolean {
  if (candidate.detection.allowed !== than.detection.allowed) return !candidate.detection.allowed;
  const a = candidate.detection;
  const b = than.detection;
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  const la = a.location;
  const lb = b.location;
  if (la.type !== 'repository' || lb.type !== 'repository') return 0;
  return (
    compareStrings(la.root, lb.root) ||
    compareStrings(la.path, lb.path) ||
    la.line - lb.line ||
    la.column - lb.column ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

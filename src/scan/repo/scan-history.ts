// Scans the history of a repository: every blob reachable from any ref, each read once.
//
//   git rev-list --objects --all <older stash entries> --filter=object:type=blob
//     | git cat-file --batch='%(objectname) %(objecttype) %(objectsize) %(rest)' --buffer
//
// rev-list lists each reachable object once (so nothing here remembers which blobs were
// seen), the filter drops trees and all commits but the ref tips before cat-file reads them,
// and the two processes share a pipe, so Node only parses cat-file's output. Memory holds
// only the detections of blobs that have some; the blobs themselves pass through.
//
// Then, only for those blobs: where each was introduced (first-introductions.ts), which refs
// reach that commit, and whether HEAD still holds the credential at that path.
import { detectCredentials, mightContainCredential } from '../../detect/index.js';
import type { DetectedCredential } from '../../detect/types.js';
import { throwIfAborted } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { ScanProblem, ScanStats } from '../../model/findings-document.js';
import { looksBinary, textOf } from './blob-content.js';
import { CatFileBatchParser } from './cat-file-stream.js';
import { findFirstIntroductions, type Introduction } from './first-introductions.js';
import type { GitOptions } from './git-process.js';
import { streamGitPipeline } from './git-process.js';
import { blobsAtHead, readHead } from './head-state.js';
import { credentialSubject } from '../credential-finding.js';
import { credentialAtPath, type LocatedDetection } from './located-detection.js';
import { ProgressThrottle } from './progress-throttle.js';
import { olderStashEntries, refsContaining } from './reachability.js';
import { emptyStats } from './scan-stats.js';

export interface HistoryScanOptions {
  /** the repository's top level, or its git directory when it has no working tree */
  cwd: string;
  /** report only paths under these (relative to the top level, '' for everything) */
  within: readonly string[];
  maxFileSize: number;
  host: IoHost;
  signal?: AbortSignal | undefined;
  ignorePath?: ((relPath: string) => boolean) | undefined;
}

export interface HistoryScan {
  detections: LocatedDetection[];
  stats: ScanStats;
  problems: ScanProblem[];
}

interface BlobDetections {
  detections: DetectedCredential[];
  /** the path rev-list named the blob by, for a blob no commit introduces (a tag of a tree or blob) */
  name: string;
}

/** The earliest (blob, path) where one credential appears, with the commit that put it there. */
interface FirstSighting {
  blob: string;
  path: string;
  detection: DetectedCredential;
  introduction: Introduction;
}

export async function scanHistory(options: HistoryScanOptions): Promise<HistoryScan> {
  const { host, signal } = options;
  const git: GitOptions = { cwd: options.cwd, signal };
  const stats = emptyStats();
  const extraRevs = await olderStashEntries(git);

  host.notify({ type: 'phase', phase: 'history', message: 'reading every blob reachable from any ref' });
  const withCredentials = await readBlobs(options, extraRevs, stats);
  if (withCredentials.size === 0) return { detections: [], stats, problems: [] };

  throwIfAborted(signal);
  host.notify({ type: 'phase', phase: 'history', message: `finding where ${withCredentials.size} blob(s) with credentials were introduced` });
  const introductions = await findFirstIntroductions(new Set(withCredentials.keys()), extraRevs, git);

  const isReported = (path: string) =>
    options.within.some((prefix) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`)) && !options.ignorePath?.(path);

  // One credential at one path: the earliest introduction across every blob version there.
  // Allowed (keyshift:allow) detections are kept apart, so an allowed line in one version
  // does not hide the same credential unsuppressed in another.
  const firsts = new Map<string, FirstSighting>();
  const unintroduced: LocatedDetection[] = [];
  for (const [blob, { detections, name }] of withCredentials) {
    const paths = introductions.get(blob);
    if (!paths) {
      const path = name || blob;
      if (isReported(path)) for (const detection of detections) unintroduced.push({ path, detection });
      continue;
    }
    for (const [path, introduction] of paths) {
      if (!isReported(path)) continue;
      for (const detection of detections) {
        const key = `${credentialAtPath(path, detection)}\0${detection.allowed}`;
        const known = firsts.get(key);
        if (!known || isEarlier(introduction, detection, known)) firsts.set(key, { blob, path, detection, introduction });
      }
    }
  }

  throwIfAborted(signal);
  const head = await readHead(git);
  const sightings = [...firsts.values()];
  const refs = await refsContaining(
    sightings.map((s) => s.introduction.commit),
    head,
    extraRevs,
    git,
  );
  const headBlobs = await blobsAtHead(head, new Set(sightings.map((s) => s.path)), git);
  const heldAtHead = (path: string, detection: DetectedCredential) => {
    const blob = headBlobs.get(path);
    const atHead = blob === undefined ? undefined : withCredentials.get(blob);
    return atHead?.detections.some((d) => d.rule === detection.rule && credentialSubject(d) === credentialSubject(detection)) ?? false;
  };

  const detections: LocatedDetection[] = sightings.map(({ blob, path, detection, introduction }) => ({
    path,
    detection,
    git: {
      blob,
      commit: introduction.commit,
      authorDate: introduction.authorDate,
      author: introduction.author,
      refs: refs.get(introduction.commit) ?? [],
      atHead: heldAtHead(path, detection),
    },
  }));
  return { detections: [...detections, ...unintroduced], stats, problems: [] };
}

function isEarlier(introduction: Introduction, detection: DetectedCredential, than: FirstSighting): boolean {
  if (introduction.order !== than.introduction.order) return introduction.order < than.introduction.order;
  if (detection.line !== than.detection.line) return detection.line < than.detection.line;
  return detection.column < than.detection.column;
}

/** Reads every reachable blob once; returns the detections of those that have some. */
async function readBlobs(options: HistoryScanOptions, extraRevs: readonly string[], stats: ScanStats): Promise<Map<string, BlobDetections>> {
  const { maxFileSize } = options;
  const found = new Map<string, BlobDetections>();
  const progress = new ProgressThrottle(options.host, 'history', 'blobs');
  const parser = new CatFileBatchParser({
    onHeader(header) {
      if (header.type !== 'blob') return false;
      stats.blobs++;
      progress.tick(stats.blobs, stats.bytes);
      if (header.size > maxFileSize) {
        stats.skipped.tooLarge++;
        return false;
      }
      return true;
    },
    onBody(header, body) {
      if (looksBinary(body)) {
        stats.skipped.binary++;
        return;
      }
      stats.bytes += body.length;
      if (!mightContainCredential(body)) return;
      const detections = detectCredentials(textOf(body));
      if (detections.length > 0) found.set(header.id, { detections, name: header.rest });
    },
  });
  await streamGitPipeline(
    [
      ['rev-list', '--objects', '--all', ...extraRevs, '--filter=object:type=blob', '--'],
      ['cat-file', '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)', '--buffer'],
    ],
    { cwd: options.cwd, signal: options.signal },
    (chunk) => parser.push(chunk),
  );
  parser.end();
  progress.finish(stats.blobs, stats.bytes);
  return found;
}

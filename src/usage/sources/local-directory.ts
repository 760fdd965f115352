// A local directory of CloudTrail log files: the S3 delivery layout (as `aws s3 sync` leaves
// it), the organization-trail layout, or any tree of .json / .json.gz / JSON Lines files.
// Date folders under CloudTrail/<region>/ and CloudTrail file names are read before anything
// is opened, so years, months, days and files outside the window are never read. Files are
// parsed one at a time, in name order (the same input always gives the same skips), each read
// whole and parsed synchronously unless it is too big for that (see log-file-reader.ts). The
// same ordered list of files can be shared out to worker threads (parallel-directory.ts).
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { badInput, throwIfAborted } from '../../errors.js';
import type { EventSink, EventSource, LocalLogFiles, SkipCounter, TimeWindow } from '../cloudtrail-event.js';
import {
  dateFolderSpan,
  deliveryOutsideWindow,
  isDigestFileName,
  isNonEventFolder,
  isRegionName,
  logFileOutsideWindow,
  windowBounds,
  type WindowBounds,
} from './log-layout.js';
import { isFileSystemError, readWholeLogFile, streamLogFile, WHOLE_FILE_MAX_BYTES } from './log-file-reader.js';
import { RecordSink } from './parse-log-file.js';

const LOG_FILE_EXTENSION = /\.(?:json|jsonl|ndjson)(?:\.gz)?$/i;

/** Where a folder sits in the delivery layout: what its children's names mean. */
type Place =
  | { kind: 'plain' }
  | { kind: 'trail' } // a CloudTrail folder: regions below
  | { kind: 'region' } // years below
  | { kind: 'year'; year: number } // months below
  | { kind: 'month'; year: number; month: number }; // days below

const PLAIN: Place = { kind: 'plain' };

/** The place of a child folder, or 'prune' when the layout says it holds nothing inside the window, or 'skip' for digests and Insights. */
function childPlace(parent: Place, name: string, b: WindowBounds): Place | 'prune' | 'skip' {
  if (isNonEventFolder(name)) return 'skip';
  switch (parent.kind) {
    case 'plain':
      return name === 'CloudTrail' ? { kind: 'trail' } : PLAIN;
    case 'trail':
      return isRegionName(name) ? { kind: 'region' } : PLAIN;
    case 'region': {
      if (!/^\d{4}$/.test(name)) return PLAIN;
      const year = Number(name);
      return deliveryOutsideWindow(...dateFolderSpan(year), b) ? 'prune' : { kind: 'year', year };
    }
    case 'year': {
      const month = /^\d{2}$/.test(name) ? Number(name) : 0;
      if (month < 1 || month > 12) return PLAIN;
      return deliveryOutsideWindow(...dateFolderSpan(parent.year, month), b) ? 'prune' : { kind: 'month', year: parent.year, month };
    }
    case 'month': {
      const day = /^\d{2}$/.test(name) ? Number(name) : 0;
      if (day < 1 || day > 31) return PLAIN;
      return deliveryOutsideWindow(...dateFolderSpan(parent.year, parent.month, day), b) ? 'prune' : PLAIN;
    }
  }
}

/** The place of the starting folder, read from its own path: the user may point at AWSLogs, a region, or a day. */
function rootPlace(absolute: string, b: WindowBounds): Place | 'prune' {
  const segments = absolute.split(sep);
  const trail = segments.lastIndexOf('CloudTrail');
  if (trail < 0) return PLAIN;
  let place: Place = { kind: 'trail' };
  for (const name of segments.slice(trail + 1)) {
    const next = childPlace(place, name, b);
    if (next === 'prune') return 'prune';
    place = next === 'skip' ? PLAIN : next;
  }
  return place;
}

/** What walking the folders needs: the window's bounds, where unreadable folders are counted, and the folders already walked. */
interface Walk {
  bounds: WindowBounds;
  skips: SkipCounter;
  /** real paths of the root and of folders entered through symbolic links */
  walked: Set<string>;
  signal: AbortSignal | undefined;
}

/** Whether a real path is one already walked, or inside one. */
function alreadyWalked(real: string, walked: Set<string>): boolean {
  for (const w of walked) if (real === w || real.startsWith(w.endsWith(sep) ? w : w + sep)) return true;
  return false;
}

/**
 * The log files under a folder, in name order, leaving out what the layout says is outside the
 * window. The folders are read synchronously: a listing takes microseconds, and the files are
 * read one at a time (or by worker threads) anyway.
 */
function* logFiles(dir: string, place: Place, state: Walk): Generator<string> {
  throwIfAborted(state.signal);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (!isFileSystemError(e)) throw e;
    state.skips.add('unreadable');
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = statSync(path);
        isFile = target.isFile();
        isDirectory = target.isDirectory();
        if (isDirectory) {
          // a loop, or a second way into files already read, always passes through a link
          const real = realpathSync(path);
          if (alreadyWalked(real, state.walked)) continue;
          state.walked.add(real);
        }
      } catch {
        continue; // a dangling link is not part of the evidence
      }
    }
    if (isDirectory) {
      const next = childPlace(place, entry.name, state.bounds);
      if (next !== 'prune' && next !== 'skip') yield* logFiles(path, next, state);
    } else if (isFile && LOG_FILE_EXTENSION.test(entry.name) && !isDigestFileName(entry.name) && !logFileOutsideWindow(entry.name, state.bounds)) {
      yield path;
    }
  }
}

export interface LocalDirectoryOptions {
  /** files larger than this (as stored) are streamed rather than read whole; default WHOLE_FILE_MAX_BYTES */
  wholeFileMaxBytes?: number;
}

/** The log files under a local path, in read order; a path that does not exist is bad input. */
function* localLogFiles(root: string, window: TimeWindow, skips: SkipCounter, signal?: AbortSignal): Generator<string> {
  const absolute = resolve(root);
  let rootStat: Stats;
  try {
    rootStat = statSync(absolute);
  } catch (e) {
    throw badInput(`cannot read CloudTrail logs from ${root}: no such file or directory`, 'check the --from path; it should be a folder of log files, such as one synced from the trail bucket', e);
  }
  const walk: Walk = { bounds: windowBounds(window), skips, walked: new Set(), signal };
  if (rootStat.isFile()) {
    if (!logFileOutsideWindow(basename(absolute), walk.bounds)) yield absolute;
  } else if (rootStat.isDirectory()) {
    const place = rootPlace(absolute, walk.bounds);
    walk.walked.add(realpathSync(absolute));
    if (place !== 'prune') yield* logFiles(absolute, place, walk);
  } else {
    throw badInput(`cannot read CloudTrail logs from ${root}: not a file or directory`, 'point --from at a folder of log files');
  }
}

async function readLocal(root: string, window: TimeWindow, wholeFileMaxBytes: number, onEvent: EventSink, skips: SkipCounter, signal?: AbortSignal) {
  const sink = new RecordSink(window, skips, onEvent);
  let files = 0;
  for (const path of localLogFiles(root, window, skips, signal)) {
    throwIfAborted(signal);
    files++;
    if (!readWholeLogFile(path, sink, wholeFileMaxBytes)) await streamLogFile(path, sink);
  }
  return { files, events: sink.events };
}

/** CloudTrail log files under a local path (a folder, or one file). A path that does not exist is bad input. */
export function localDirectorySource(path: string, window: TimeWindow, options: LocalDirectoryOptions = {}): EventSource {
  const wholeFileMaxBytes = options.wholeFileMaxBytes ?? WHOLE_FILE_MAX_BYTES;
  const localFiles: LocalLogFiles = { window, wholeFileMaxBytes, paths: (skips, signal) => localLogFiles(path, window, skips, signal) };
  return {
    description: { type: 'directory', location: path },
    read: (onEvent, skips, signal) => readLocal(path, window, wholeFileMaxBytes, onEvent, skips, signal),
    localFiles,
  };
}

// A local directory of CloudTrail log files: the S3 delivery layout (as `aws s3 sync` leaves
// it), the organization-trail layout, or any tree of .json / .json.gz / JSON Lines files.
// Date folders under CloudTrail/<region>/ and CloudTrail file names are read before anything
// is opened, so years, months, days and files outside the window are never read. Files are
// parsed one at a time, in name order (the same input always gives the same skips); the next
// file is read and decompressed while the current one is parsed (see read-ahead.ts), and
// files too big for that are streamed.
import type { Dirent } from 'node:fs';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { badInput, throwIfAborted } from '../../errors.js';
import type { CloudTrailEvent, EventSource, SkipCounter, TimeWindow } from '../cloudtrail-event.js';
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
import { parseLogBytes, parseLogStream, RecordSink } from './parse-log-file.js';
import { isFileSystemError, loadAhead, READ_AHEAD_MAX_BYTES, type LoadedLogFile } from './read-ahead.js';

const LOG_FILE_EXTENSION = /\.(?:json|jsonl|ndjson)(?:\.gz)?$/i;
const READ_CHUNK_BYTES = 1024 * 1024;

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

interface ReadState {
  sink: RecordSink;
  bounds: WindowBounds;
  files: number;
  /** real paths of the root and of folders entered through symbolic links */
  walked: Set<string>;
  signal: AbortSignal | undefined;
  readAheadMaxBytes: number;
}

/** Whether a real path is one already walked, or inside one. */
function alreadyWalked(real: string, walked: Set<string>): boolean {
  for (const w of walked) if (real === w || real.startsWith(w.endsWith(sep) ? w : w + sep)) return true;
  return false;
}

/** The log files under a folder, in name order, leaving out what the layout says is outside the window. */
async function* logFiles(dir: string, place: Place, state: ReadState): AsyncGenerator<string> {
  throwIfAborted(state.signal);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (!isFileSystemError(e)) throw e;
    state.sink.skips.add('unreadable');
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        isFile = target.isFile();
        isDirectory = target.isDirectory();
        if (isDirectory) {
          // a loop, or a second way into files already read, always passes through a link
          const real = await realpath(path);
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

async function parseLoaded(file: LoadedLogFile, state: ReadState): Promise<void> {
  throwIfAborted(state.signal);
  state.files++;
  switch (file.kind) {
    case 'bytes':
      await parseLogBytes(file.bytes, state.sink);
      return;
    case 'corrupt-gzip':
    case 'unreadable':
      state.sink.skips.add(file.kind);
      return;
    case 'stream':
      try {
        await parseLogStream(createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES }), state.sink);
      } catch (e) {
        if (!isFileSystemError(e)) throw e;
        state.sink.skips.add('unreadable');
      }
  }
}

/** Parses the files one at a time, in order, loading the next while the current one is parsed. */
async function parseAll(paths: AsyncIterable<string>, state: ReadState): Promise<void> {
  let current: Promise<LoadedLogFile> | null = null;
  for await (const path of paths) {
    const next = loadAhead(path, state.readAheadMaxBytes);
    if (current !== null) await parseLoaded(await current, state);
    current = next;
  }
  if (current !== null) await parseLoaded(await current, state);
}

async function* single(path: string): AsyncGenerator<string> {
  yield path;
}

export interface LocalDirectoryOptions {
  /** files larger than this (as stored) are streamed rather than loaded ahead; default READ_AHEAD_MAX_BYTES */
  readAheadMaxBytes?: number;
}

async function readLocal(root: string, window: TimeWindow, options: LocalDirectoryOptions, onEvent: (event: CloudTrailEvent) => void, skips: SkipCounter, signal?: AbortSignal) {
  const absolute = resolve(root);
  let rootStat;
  try {
    rootStat = await stat(absolute);
  } catch (e) {
    throw badInput(`cannot read CloudTrail logs from ${root}: no such file or directory`, 'check the --from path; it should be a folder of log files, such as one synced from the trail bucket', e);
  }
  const state: ReadState = { sink: new RecordSink(window, skips, onEvent), bounds: windowBounds(window), files: 0, walked: new Set(), signal, readAheadMaxBytes: options.readAheadMaxBytes ?? READ_AHEAD_MAX_BYTES };
  if (rootStat.isFile()) {
    if (!logFileOutsideWindow(basename(absolute), state.bounds)) await parseAll(single(absolute), state);
  } else if (rootStat.isDirectory()) {
    const place = rootPlace(absolute, state.bounds);
    state.walked.add(await realpath(absolute));
    if (place !== 'prune') await parseAll(logFiles(absolute, place, state), state);
  } else {
    throw badInput(`cannot read CloudTrail logs from ${root}: not a file or directory`, 'point --from at a folder of log files');
  }
  return { files: state.files, events: state.sink.events };
}

/** CloudTrail log files under a local path (a folder, or one file). A path that does not exist is bad input. */
export function localDirectorySource(path: string, window: TimeWindow, options: LocalDirectoryOptions = {}): EventSource {
  return {
    description: { type: 'directory', location: path },
    read: (onEvent, skips, signal) => readLocal(path, window, options, onEvent, skips, signal),
  };
}

// Counters of a repository scan. `files` and `blobs` count every regular file and every blob
// examined, including those then skipped (counted again under `skipped`); `bytes` counts the
// content actually handed to the detectors.
import type { ScanStats } from '../../model/findings-document.js';

export function emptyStats(): ScanStats {
  return {
    files: 0,
    bytes: 0,
    blobs: 0,
    skipped: { binary: 0, tooLarge: 0, symlinks: 0, unreadable: 0 },
    suppressed: { inline: 0, ignoreFile: 0, baseline: 0 },
  };
}

export function addStats(into: ScanStats, from: ScanStats): void {
  into.files += from.files;
  into.bytes += from.bytes;
  into.blobs += from.blobs;
  into.skipped.binary += from.skipped.binary;
  into.skipped.tooLarge += from.skipped.tooLarge;
  into.skipped.symlinks += from.skipped.symlinks;
  into.skipped.unreadable += from.skipped.unreadable;
  into.suppressed.inline += from.suppressed.inline;
  into.suppressed.ignoreFile += from.suppressed.ignoreFile;
  into.suppressed.baseline += from.suppressed.baseline;
}

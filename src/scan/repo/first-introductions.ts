// Where each blob that holds a credential was first introduced, per path. One pass over
// `git log --raw` of every ref, oldest first, reading only the tree diffs (never a blob):
//
//   git log --all <older stash entries> --date-order --reverse -m --root --raw -z
//           --no-abbrev --no-renames --format=%x01%H %aI %an
//
// --date-order never shows a parent after its child and orders the rest by commit date, so
// reversed it is "earliest in topological order, ties by commit date". -m diffs a merge
// against each parent, so a blob that appears first in a merge (an evil merge, a stash) is
// seen there; --root diffs root commits; --no-renames reports a rename as an add, which is
// what introduced the blob at the new path.
import type { GitOptions } from './git-process.js';
import { streamGit } from './git-process.js';
import { NulFieldSplitter } from './nul-fields.js';

export interface Introduction {
  commit: string;
  /** position of the commit in the log: lower is earlier */
  order: number;
  /** author date, ISO 8601 strict */
  authorDate: string;
  author: string;
}

/** blob ID -> path -> the first commit that put that blob at that path */
export type IntroductionsByBlob = Map<string, Map<string, Introduction>>;

const COMMIT_MARK = 0x01;
const RAW_MARK = 0x3a; // ':'
const NEWLINE = 0x0a;

export async function findFirstIntroductions(
  blobs: ReadonlySet<string>,
  extraRevs: readonly string[],
  git: GitOptions,
): Promise<IntroductionsByBlob> {
  const found: IntroductionsByBlob = new Map();
  let commit: Introduction | undefined;
  let order = 0;
  /** the blob of the raw entry whose path is the next field, when it is one we look for */
  let pendingBlob: string | undefined;
  let expectPath = false;

  const splitter = new NulFieldSplitter((raw) => {
    if (expectPath) {
      expectPath = false;
      if (pendingBlob === undefined || commit === undefined) return;
      const path = raw.toString('utf8');
      let paths = found.get(pendingBlob);
      if (!paths) found.set(pendingBlob, (paths = new Map()));
      if (!paths.has(path)) paths.set(path, commit);
      pendingBlob = undefined;
      return;
    }
    // Entries after a header start on a new line.
    const field = raw[0] === NEWLINE ? raw.subarray(1) : raw;
    if (field[0] === COMMIT_MARK) {
      const header = field.toString('utf8', 1);
      const [id = '', authorDate = ''] = header.split(' ', 2);
      const author = header.slice(id.length + authorDate.length + 2);
      commit = { commit: id, order: order++, authorDate, author };
    } else if (field[0] === RAW_MARK) {
      // :<old mode> <new mode> <old blob> <new blob> <status>, then the path as the next field
      const words = field.toString('latin1').split(' ');
      const blob = words[3];
      pendingBlob = blob !== undefined && blobs.has(blob) ? blob : undefined;
      expectPath = true;
    }
  });

  await streamGit(
    [
      // -m means "separate diffs per parent" only if log.diffMerges says so (git >= 2.31).
      '-c',
      'log.diffMerges=separate',
      'log',
      '--all',
      ...extraRevs,
      '--date-order',
      '--reverse',
      '-m',
      '--root',
      '--raw',
      '-z',
      '--no-abbrev',
      '--no-renames',
      '--no-show-signature',
      '--format=%x01%H %aI %an',
      '--',
    ],
    git,
    (chunk) => splitter.push(chunk),
  );
  splitter.end();
  return found;
}

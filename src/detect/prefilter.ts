// The prefilter: a cheap test run on every blob before the detector. It may say "maybe" for
// a blob with nothing in it, but never "no" for one the detector would report from: every
// finding needs a key ID (and so one of its prefixes) or a secret-like name (and so one of
// the secret words). Assumes the detector sees the blob decoded as UTF-8 or Latin-1, where
// these ASCII strings keep their bytes.
//
// The plain way is to search the buffer for each of the eight strings in turn; but
// Buffer#indexOf finds a short string by jumping to every occurrence of its first byte:
// `secret` stops at every `s` of a source file, `AKIA` and four others at every `A`. So each
// string is found through a part of it that starts with a rarer byte (`KIA` for `AKIA`,
// `cret` for both `secret` and `Secret`) and the bytes before a hit are checked: the same
// answer for every buffer, for about 60% of the CPU time (bench/README.md).
//
// The plan is written for the detector's current strings and checked against them when this
// module loads: if they change (a new key ID prefix, another casing of the secret word), the
// check fails and the plain search is used until the plan is updated.
import { KEY_ID_PREFIXES } from './key-id.js';
import { SECRET_WORDS } from './secret-name.js';

const NEEDLES: readonly Buffer[] = [...KEY_ID_PREFIXES, ...SECRET_WORDS].map((s) => Buffer.from(s, 'latin1'));

/** The reference answer: a search for each of the detector's strings in turn. */
export function containsDetectorString(buf: Buffer): boolean {
  for (const needle of NEEDLES) if (buf.indexOf(needle) !== -1) return true;
  return false;
}

/** Find `search`; a hit counts when one of `before` immediately precedes it. */
const PLAN: ReadonlyArray<{ search: string; before: readonly string[] }> = [
  { search: 'KIA', before: ['A'] },
  { search: 'BIA', before: ['A'] },
  { search: 'SIA', before: ['A'] },
  { search: 'CCA', before: ['A'] },
  { search: '3T', before: ['A'] },
  { search: 'cret', before: ['se', 'Se'] },
  { search: 'CRET', before: ['SE'] },
];

const STEPS: ReadonlyArray<{ search: Buffer; before: Buffer[] }> = PLAN.map(({ search, before }) => ({
  search: Buffer.from(search, 'latin1'),
  before: before.map((b) => Buffer.from(b, 'latin1')),
}));

/** Whether the plan finds exactly the detector's strings: no more, no fewer. */
export function planMatchesDetector(): boolean {
  const planned = PLAN.flatMap(({ search, before }) => before.map((b) => b + search)).sort();
  const needed = [...new Set<string>([...KEY_ID_PREFIXES, ...SECRET_WORDS])].sort();
  return planned.length === needed.length && planned.every((s, i) => s === needed[i]);
}

function planned(buf: Buffer): boolean {
  for (const { search, before } of STEPS) {
    for (let i = buf.indexOf(search); i !== -1; i = buf.indexOf(search, i + 1)) {
      for (const b of before) {
        const at = i - b.length;
        if (at >= 0 && buf.compare(b, 0, b.length, at, i) === 0) return true;
      }
    }
  }
  return false;
}

const search: (buf: Buffer) => boolean = planMatchesDetector() ? planned : containsDetectorString;

/** False only when `detectCredentials` would find nothing in the blob's text; the same answer as `containsDetectorString`. */
export function mightContainCredential(buf: Buffer): boolean {
  return search(buf);
}

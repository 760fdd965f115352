// The prefilter: a cheap test run on every blob before the detector. It may say "maybe" for
// a blob with nothing in it, but never "no" for one the detector would report from: every
// finding needs a key ID (and so one of its prefixes) or a secret-like name (and so one of
// the secret words). Assumes the detector sees the blob decoded as UTF-8 or Latin-1, where
// these ASCII strings keep their bytes.
import { KEY_ID_PREFIXES } from './key-id.js';
import { SECRET_WORDS } from './secret-name.js';

const NEEDLES: readonly Buffer[] = [...KEY_ID_PREFIXES, ...SECRET_WORDS].map((s) => Buffer.from(s, 'latin1'));

/** False only when `detectCredentials` would find nothing in the blob's text. */
export function mightContainCredential(buf: Buffer): boolean {
  // Buffer#indexOf is a native substring search (memchr-driven); several passes over the
  // blob are still far cheaper than one pass of the detector's regular expressions.
  for (const needle of NEEDLES) if (buf.indexOf(needle) !== -1) return true;
  return false;
}

// Wildcard matching of one string: `*` is any run of characters, `?` any one character. A
// two-pointer match that backtracks only to the last `*`, so its time is bounded by the product
// of the lengths (and near-linear in practice), where a regular expression built from a pattern
// with many stars can backtrack for minutes on a near miss.

export const STAR = 0;
export const ONE = 1;
/** A character (one code point) or a wildcard. */
export type Atom = string | typeof STAR | typeof ONE;

const ASTRAL = /[\uD800-\uDFFF]/;

/** Code points, so that `?` is one character even outside the Basic Multilingual Plane. */
export function characters(text: string): readonly string[] | string {
  return ASTRAL.test(text) ? Array.from(text) : text;
}

export function wildcardMatch(pattern: readonly Atom[], text: string): boolean {
  const value = characters(text);
  const n = value.length;
  const m = pattern.length;
  let p = 0;
  let v = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (v < n) {
    const atom = pattern[p];
    if (p < m && (atom === ONE || atom === value[v])) {
      p++;
      v++;
    } else if (p < m && atom === STAR) {
      starAt = p++;
      resumeAt = v;
    } else if (starAt >= 0) {
      // let the last `*` take one more character and retry from there
      p = starAt + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < m && pattern[p] === STAR) p++;
  return p === m;
}

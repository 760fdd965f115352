// Three-valued (Kleene) logic. The planner evaluates a user's policies without the real request:
// a condition on a key it was not told about, or a variable it cannot fill in, is neither true nor
// false but 'unknown', and each rule above decides what an unknown statement means.

export type Tri = true | false | 'unknown';

export function triNot(value: Tri): Tri {
  return value === 'unknown' ? 'unknown' : !value;
}

/** false if any is false, else unknown if any is unknown, else true (true for none). */
export function triAll(values: Iterable<Tri>): Tri {
  let result: Tri = true;
  for (const v of values) {
    if (v === false) return false;
    if (v === 'unknown') result = 'unknown';
  }
  return result;
}

/** true if any is true, else unknown if any is unknown, else false (false for none). */
export function triAny(values: Iterable<Tri>): Tri {
  let result: Tri = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === 'unknown') result = 'unknown';
  }
  return result;
}

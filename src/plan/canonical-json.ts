// JSON with object keys in a stable (code-unit) order at every depth, so that the same value
// always gives the same text, whatever order its properties were created in. Arrays keep their
// order: the planner sorts them itself, because their order carries meaning.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * The same text as canonicalJson, in pieces (one per element or property down to `depth`),
 * so a large document can be hashed without building the whole string.
 */
export function* canonicalJsonChunks(value: unknown, depth = 2): Generator<string> {
  if (depth <= 0 || value === null || typeof value !== 'object') {
    yield JSON.stringify(sortKeys(value)) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      yield* canonicalJsonChunks(value[i] === undefined ? null : value[i], depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const key of Object.keys(value).sort(compareText)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* canonicalJsonChunks(v, depth - 1);
  }
  yield '}';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareText)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Code-unit order: unlike localeCompare it is the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareText);
}

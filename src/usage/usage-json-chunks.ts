// The usage document as JSON text in pieces, one per key, exactly the text of
// `${JSON.stringify(usage, null, 2)}\n`: a large evidence base gives a document of tens of MB,
// and held as one string (and one buffer to write it) it would be the biggest thing in memory.
import type { UsageDocument } from '../model/usage.js';

// inside any string of the document a quote is escaped (\"), so only the placeholder itself matches
const PLACEHOLDER = '"__keyshift_keys__"';

export function* usageJsonChunks(usage: UsageDocument): Generator<string> {
  const shell = JSON.stringify({ ...usage, keys: PLACEHOLDER.slice(1, -1) }, null, 2);
  const at = shell.indexOf(PLACEHOLDER);
  yield shell.slice(0, at);
  const { keys } = usage;
  if (keys.length === 0) {
    yield '[]';
  } else {
    yield '[\n';
    for (let i = 0; i < keys.length; i++) {
      // a key is two levels down: its lines are indented by four more spaces
      const text = JSON.stringify(keys[i], null, 2).replaceAll('\n', '\n    ');
      yield `    ${text}${i < keys.length - 1 ? ',\n' : '\n'}`;
    }
    yield '  ]';
  }
  yield `${shell.slice(at + PLACEHOLDER.length)}\n`;
}

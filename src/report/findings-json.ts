// The findings document as JSON: what --format json writes and --baseline reads back.
// Parsing through the schema first puts keys in the schema's order whatever order the
// scanner built them in, and drops any field the schema does not know, so nothing a
// scanner attached by mistake (a raw match, a secret) can reach the output.
import { KeyshiftError } from '../errors.js';
import { FindingsDocument } from '../model/findings-document.js';

export function formatFindingsJson(doc: FindingsDocument): string {
  const parsed = FindingsDocument.safeParse(doc);
  if (!parsed.success) {
    // Only the path and the issue code: a message could quote the offending value.
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'the document';
    throw new KeyshiftError('internal', `refusing to write an invalid findings document (${first?.code ?? 'invalid'} at ${where})`);
  }
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

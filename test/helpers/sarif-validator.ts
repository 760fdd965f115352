// A validator for the official SARIF 2.1.0 schema (draft-04), bundled with the tests.
import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';

const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;

export function sarifValidator() {
  // unicodeRegExp: false because the official schema's `language` pattern has a stray `]`
  // that is a syntax error under the `u` flag (but a literal `]` without it).
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  // Ajv ships no format checks; these follow RFC 3986 / RFC 3339 closely enough to catch
  // an unencoded space or a malformed date.
  const uriChar = String.raw`(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})`;
  ajv.addFormat('uri-reference', new RegExp(`^${uriChar}*$`));
  ajv.addFormat('uri', new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*:${uriChar}*$`));
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i);
  return ajv.compile(schema);
}

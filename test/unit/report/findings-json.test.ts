import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { parseDocument } from '../../../src/model/read-document.js';
import { formatFindingsJson } from '../../../src/report/findings-json.js';
import { sampleDocument } from './sample-document.js';

const spec = { kind: 'findings', version: 1, schema: FindingsDocument } as const;

describe('formatFindingsJson', () => {
  it('writes the document with 2-space indentation and a trailing newline, readable back', () => {
    const { doc } = sampleDocument();
    const text = formatFindingsJson(doc);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "kind": "findings",');
    expect(parseDocument(text, spec, 'out.json')).toEqual(doc);
  });

  it('orders keys as the schema does, whatever order the document was built in', () => {
    const { doc } = sampleDocument();
    const reversed = reverseKeys(doc) as FindingsDocument;
    expect(Object.keys(reversed)[0]).toBe('findings');
    expect(formatFindingsJson(reversed)).toBe(formatFindingsJson(doc));
    expect(Object.keys(JSON.parse(formatFindingsJson(reversed)) as object)).toEqual([
      'kind',
      'version',
      'account',
      'asOf',
      'generator',
      'scan',
      'stats',
      'problems',
      'findings',
    ]);
  });

  it('drops fields the schema does not know', () => {
    const { doc } = sampleDocument();
    const withExtra = { ...doc, findings: doc.findings.map((f) => ({ ...f, debugMatch: 'raw text' })) };
    expect(formatFindingsJson(withExtra)).not.toContain('debugMatch');
  });

  it('refuses an invalid document as an internal error', () => {
    const { doc } = sampleDocument();
    const broken = { ...doc, findings: [{ ...doc.findings[0]!, fingerprint: 'not-a-fingerprint' }] };
    expect(() => formatFindingsJson(broken)).toThrow(KeyshiftError);
    try {
      formatFindingsJson(broken);
    } catch (e) {
      expect((e as KeyshiftError).kind).toBe('internal');
      expect((e as KeyshiftError).message).toContain('findings.0.fingerprint');
      expect((e as KeyshiftError).message).not.toContain('not-a-fingerprint');
    }
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

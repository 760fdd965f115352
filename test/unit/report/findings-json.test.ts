import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { parseDocument } from '../../../src/model/read-document.js';
import { KEY_KINDS, RULE_IDS, SEVERITIES, formatFindingsJson } from '../../../src/report/findings-json.js';
import { KeyKind, RuleId, Severity } from '../../../src/model/finding.js';
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

describe('formatFindingsJson without zod', () => {
  it('writes exactly what a parse through the zod schema gives', () => {
    const { doc } = sampleDocument();
    for (const d of [doc, reverseKeys(doc) as FindingsDocument]) {
      expect(formatFindingsJson(d)).toBe(`${JSON.stringify(FindingsDocument.parse(d), null, 2)}\n`);
    }
  });

  it('drops unknown fields at every level, as the schema does', () => {
    const { doc } = sampleDocument();
    const f = doc.findings[0]!;
    const withExtra = {
      ...doc,
      secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      stats: { ...doc.stats, skipped: { ...doc.stats.skipped, raw: 'x1' } },
      findings: [{ ...f, rawSecret: 'x2', location: { ...f.location, match: 'x3' } }],
    } as unknown as FindingsDocument;
    const text = formatFindingsJson(withExtra);
    for (const leaked of ['wJalrXUtnFEMI', 'x1', 'x2', 'x3', 'rawSecret']) expect(text).not.toContain(leaked);
    expect(text).toBe(`${JSON.stringify(FindingsDocument.parse(withExtra), null, 2)}\n`);
  });

  it('keeps the rule IDs, severities and key kinds of the model', () => {
    expect([...RULE_IDS]).toEqual(RuleId.options);
    expect([...SEVERITIES]).toEqual(Severity.options);
    expect([...KEY_KINDS]).toEqual(KeyKind.options);
  });

  it.each([
    ['version', (d: FindingsDocument) => ({ ...d, version: 0 })],
    ['asOf', (d: FindingsDocument) => ({ ...d, asOf: '2026-01-01T00:00Z' })],
    ['stats.files', (d: FindingsDocument) => ({ ...d, stats: { ...d.stats, files: -1 } })],
    ['findings.0.location.type', (d: FindingsDocument) => ({ ...d, findings: [{ ...d.findings[0]!, location: { type: 'nowhere' } }] })],
    ['findings.0.rule', (d: FindingsDocument) => ({ ...d, findings: [{ ...d.findings[0]!, rule: 'other' }] })],
  ])('refuses what the schema refuses: %s', (where, breakIt) => {
    const broken = breakIt(sampleDocument().doc) as FindingsDocument;
    expect(FindingsDocument.safeParse(broken).success).toBe(false);
    expect(() => formatFindingsJson(broken)).toThrow(where);
  });
});

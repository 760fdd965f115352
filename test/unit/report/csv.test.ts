import { describe, expect, it } from 'vitest';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { CSV_COLUMNS, csvField, formatCsv } from '../../../src/report/csv.js';
import { emptyDocument, sampleDocument } from './sample-document.js';

/** A strict RFC 4180 reader, to check the output parses back to the intended fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in unquoted field`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}

describe('formatCsv', () => {
  it('writes a header and one CRLF-terminated record per finding, all the same width', () => {
    const { doc } = sampleDocument();
    const records = parseCsv(formatCsv(doc));
    expect(records[0]).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(doc.findings.length + 1);
    for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);
  });

  it('round-trips values, quoting fields with commas', () => {
    const { doc, keyIds } = sampleDocument();
    const text = formatCsv(doc);
    expect(text).toContain('"scripts/deploy,old.sh"');
    const records = parseCsv(text);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const legacy = records.find((r) => r[col('key_id')] === keyIds.legacy)!;
    expect(legacy[col('path')]).toBe('scripts/deploy,old.sh');
    expect(legacy[col('account')]).toBe('not decodable');
    expect(legacy[col('account_source')]).toBe('not-decodable');
    expect(legacy[col('at_head')]).toBe('true');
    const pair = records.find((r) => r[col('path')] === 'config/prod.env')!;
    expect(pair[col('refs')]).toBe('refs/heads/main refs/tags/v1.0.0');
    expect(pair[col('line')]).toBe('3');
    expect(pair[col('column')]).toBe('19');
    expect(pair[col('secret_fingerprint')]).toBe(doc.findings[0]!.secretFingerprint);
  });

  it('defuses a path a spreadsheet would run as a formula', () => {
    const records = parseCsv(formatCsv(sampleDocument().doc));
    const path = CSV_COLUMNS.indexOf('path');
    const location = CSV_COLUMNS.indexOf('location');
    const row = records.find((r) => r[path]!.includes('cmd|calc'))!;
    expect(row[path]).toBe("'=cmd|calc.csv");
    expect(row[location]).toBe("'=cmd|calc.csv:1");
  });

  it('csvField quotes, doubles quotes and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(csvField('')).toBe('');
  });

  it('quotes a path with a line break instead of starting a new record', () => {
    const { doc } = sampleDocument();
    const finding = doc.findings[1]!;
    const tricky = FindingsDocument.parse({ ...doc, findings: [{ ...finding, location: { ...finding.location, path: 'a\r\nb.env' } }] });
    const records = parseCsv(formatCsv(tricky));
    expect(records).toHaveLength(2);
    expect(records[1]![CSV_COLUMNS.indexOf('path')]).toBe('a\r\nb.env');
  });

  it('writes only the header for a clean scan', () => {
    expect(parseCsv(formatCsv(emptyDocument()))).toEqual([[...CSV_COLUMNS]]);
  });
});

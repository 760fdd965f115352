import { describe, expect, it } from 'vitest';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { findingTableRows } from '../../../src/report/table-rows.js';
import { emptyDocument, sampleDocument } from './sample-document.js';

describe('findingTableRows', () => {
  it('gives one row per finding, most severe first, as plain strings', () => {
    const { doc, keyIds } = sampleDocument();
    const table = findingTableRows(doc);
    expect(table.columns).toEqual(['Severity', 'Rule', 'Key', 'Account', 'Location', 'Commit', 'At HEAD']);
    expect(table.rows).toHaveLength(doc.findings.length);
    expect(table.rows.map((r) => r.severity)).toEqual(['critical', 'critical', 'high', 'high', 'medium']);
    for (const row of table.rows) {
      expect(row.cells).toHaveLength(table.columns.length);
      expect(row.cells[0]).toBe(row.severity);
    }
    const legacy = table.rows.find((r) => r.cells[2] === keyIds.legacy)!;
    expect(legacy.cells).toEqual(['high', 'aws-access-key-id', keyIds.legacy, 'not decodable', 'scripts/deploy,old.sh:7', expect.stringMatching(/^[0-9a-f]{7} 2024-01-02$/), 'yes']);
    const temporary = table.rows.find((r) => r.cells[2] === keyIds.temporary)!;
    expect(temporary.cells.slice(3)).toEqual(['123456789012', 'docs/set|up `notes`.md:12', 'working tree', '-']);
    const host = table.rows.find((r) => r.cells[4]!.startsWith('i-0abc'))!;
    expect(host.cells.slice(5)).toEqual(['-', '-']);
  });

  it('shows control characters in file names instead of sending them to the terminal', () => {
    const { doc } = sampleDocument();
    const finding = doc.findings[1]!;
    const tricky = FindingsDocument.parse({
      ...doc,
      findings: [{ ...finding, location: { ...finding.location, path: 'evil\u001b[2Jname\n\u202etxt.env' } }],
    });
    const location = findingTableRows(tricky).rows[0]!.cells[4]!;
    expect(location).toBe('evil\\x1b[2Jname\\x0a\\u202etxt.env:12');
    expect(location).not.toMatch(/\p{Cc}/u);
  });

  it('has no rows for a clean scan', () => {
    expect(findingTableRows(emptyDocument()).rows).toEqual([]);
  });
});

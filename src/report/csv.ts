// Findings as CSV (RFC 4180) for spreadsheets and ticket imports. Paths and refs come from
// the scanned input, so a field a spreadsheet would run as a formula is defused.
import type { Finding } from '../model/finding.js';
import type { FindingsDocument } from '../model/findings-document.js';
import { describeLocation } from '../model/location.js';
import { orderFindings } from './finding-order.js';

export const CSV_COLUMNS = [
  'fingerprint',
  'severity',
  'rule',
  'key_id',
  'key_kind',
  'secret_fingerprint',
  'account',
  'account_source',
  'location_type',
  'location',
  'path',
  'line',
  'column',
  'commit',
  'author_date',
  'refs',
  'at_head',
  'in_working_tree',
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

export function formatCsv(doc: FindingsDocument): string {
  const rows = [CSV_COLUMNS.map(csvField)];
  for (const f of orderFindings(doc.findings)) {
    const record = findingRecord(f);
    rows.push(CSV_COLUMNS.map((c) => csvField(record[c] ?? '')));
  }
  // RFC 4180: records end with CRLF
  return rows.map((r) => `${r.join(',')}\r\n`).join('');
}

/**
 * One field: defused against formula injection (OWASP: a leading =, +, -, @, tab or CR
 * makes spreadsheets evaluate the cell, so it gets a leading '), then quoted if it holds a
 * comma, a quote or a line break, with inner quotes doubled.
 */
export function csvField(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

function findingRecord(f: Finding): Partial<Record<CsvColumn, string>> {
  const loc = f.location;
  const record: Partial<Record<CsvColumn, string>> = {
    fingerprint: f.fingerprint,
    severity: f.severity,
    rule: f.rule,
    key_id: f.keyId,
    key_kind: f.keyKind,
    secret_fingerprint: f.secretFingerprint,
    account: f.account?.id ?? (f.account ? 'not decodable' : undefined),
    account_source: f.account?.source,
    location_type: loc.type,
    location: describeLocation(loc),
  };
  switch (loc.type) {
    case 'repository':
      record.path = loc.path;
      record.line = String(loc.line);
      record.column = String(loc.column);
      record.in_working_tree = String(loc.inWorkingTree);
      if (loc.git) {
        record.commit = loc.git.commit;
        record.author_date = loc.git.authorDate;
        record.refs = loc.git.refs.join(' ');
        record.at_head = String(loc.git.atHead);
      }
      break;
    case 'host-file':
      record.path = loc.path;
      if (loc.line !== undefined) record.line = String(loc.line);
      break;
    case 'service-env':
      if (loc.file !== undefined) record.path = loc.file;
      break;
    case 'user-data':
    case 'launch-template':
    case 'launch-configuration':
      if (loc.line !== undefined) record.line = String(loc.line);
      break;
    case 'process-env':
      break;
  }
  return record;
}

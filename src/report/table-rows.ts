// The findings table as data: the CLI colours cells by severity and lays them out; the
// engine only decides what each cell says.
import type { Severity } from '../model/finding.js';
import type { FindingsDocument } from '../model/findings-document.js';
import { describeLocation } from '../model/location.js';
import { accountLabel, atHeadLabel, commitLabel, keyLabel, printable } from './finding-cells.js';
import { orderFindings } from './finding-order.js';

export interface FindingTable {
  columns: string[];
  rows: { severity: Severity; cells: string[] }[];
}

export const FINDING_TABLE_COLUMNS = ['Severity', 'Rule', 'Key', 'Account', 'Location', 'Commit', 'At HEAD'];

export function findingTableRows(doc: FindingsDocument): FindingTable {
  return {
    columns: [...FINDING_TABLE_COLUMNS],
    rows: orderFindings(doc.findings).map((f) => ({
      severity: f.severity,
      cells: [
        f.severity,
        f.rule,
        keyLabel(f),
        accountLabel(f),
        describeLocation(f.location),
        commitLabel(f.location),
        atHeadLabel(f.location),
      ].map(printable),
    })),
  };
}

// The findings table as data: the CLI colours cells by severity and lays them out; the
// engine only decides what each cell says.
import type { Severity } from '../model/finding.js';
import type { FindingsDocument } from '../model/findings-document.js';
import { findingRowCells, printable } from './finding-cells.js';
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
      cells: findingRowCells(f).map(printable),
    })),
  };
}

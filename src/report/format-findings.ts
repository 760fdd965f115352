// One entry point from a findings document to any machine or review format.
import type { FindingsDocument } from '../model/findings-document.js';
import { formatCsv } from './csv.js';
import { formatFindingsJson } from './findings-json.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';

export type FindingsFormat = 'json' | 'sarif' | 'markdown' | 'csv';

export function formatFindings(doc: FindingsDocument, format: FindingsFormat): string {
  switch (format) {
    case 'json':
      return formatFindingsJson(doc);
    case 'sarif':
      return formatSarif(doc);
    case 'markdown':
      return formatMarkdown(doc);
    case 'csv':
      return formatCsv(doc);
  }
}

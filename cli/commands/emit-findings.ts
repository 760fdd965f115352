// Writes a findings document in the chosen format and works out the exit code; shared by
// the commands that produce findings (scan repo, scan host).
import type { FindingsFormat } from '../../src/report/format-findings.js';
import { formatFindingsJson } from '../../src/report/findings-json.js';
import type { FindingsDocument } from '../../src/model/findings-document.js';
import type { CliContext } from '../context.js';
import { combineExitCodes, ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';
import type { ReportFormat } from './choices.js';

export async function emitFindings(ctx: CliContext, doc: FindingsDocument, format: ReportFormat, output: string | undefined): Promise<void> {
  ctx.host.close();
  const chosen: ReportFormat = ctx.mode.json && format === 'table' ? 'json' : format;
  // JSON, the common case, without loading the other formats (and zod, through the model)
  const text =
    chosen === 'table'
      ? (await import('../views/findings-table.js')).renderFindingsTable(doc)
      : chosen === 'json'
        ? formatFindingsJson(doc)
        : (await import('../../src/report/format-findings.js')).formatFindings(doc, chosen as FindingsFormat);
  await writeResult(text, output, ctx.streams);
}

/** 1 (or --exit-code) for findings, 6 when part of the input could not be read. */
export function scanExitCode(doc: FindingsDocument, findingsCode: number): number {
  const codes: number[] = [];
  if (doc.findings.length > 0) codes.push(findingsCode);
  if (doc.problems.some((p) => p.reason === 'unreadable' || p.reason === 'git-error')) codes.push(ExitCode.incomplete);
  return combineExitCodes(codes, findingsCode);
}

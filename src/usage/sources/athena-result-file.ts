// Without --athena-run, the user runs the printed query in Athena and passes the result CSV
// (downloaded from the console, or copied from the result location in S3). Its header names
// the aggregate's columns, in any order; each row becomes the records it stands for, checked
// like any record (aggregate-row.ts). The file is streamed, one row at a time.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { badInput } from '../../errors.js';
import type { EventSink, EventSource, SkipCounter, TimeWindow } from '../cloudtrail-event.js';
import { AggregateRowSink, rowFromColumns, type AggregateRow } from './aggregate-row.js';
import { athenaWindow } from './athena-query.js';
import { CsvRows, type CsvRow } from './csv-rows.js';

async function readResultFile(path: string, window: TimeWindow, onEvent: EventSink, skips: SkipCounter) {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch (e) {
    throw badInput(`cannot read the Athena result ${path}`, 'pass the CSV file Athena wrote for the query keyshift printed', e);
  }
  const sink = new AggregateRowSink(athenaWindow(window), skips, onEvent);
  let header: CsvRow | null = null;
  let toRow: ((values: readonly (string | null)[]) => AggregateRow) | null = null;
  const csv = new CsvRows((values, complete) => {
    if (header === null) {
      header = values;
      const mapping = rowFromColumns(values.map((v) => (v ?? '').replace(/^\uFEFF/, '')));
      if ('missing' in mapping) {
        throw badInput(`${path} is not the result of keyshift's Athena query: it lacks the columns ${mapping.missing.join(', ')}`, 'run the query `keyshift usage --athena …` prints, and pass its result CSV');
      }
      toRow = mapping;
      return;
    }
    // a row cut short (a truncated download) or with a different number of fields cannot be trusted
    if (!complete || values.length !== header.length) {
      skips.add('missing-fields');
      return;
    }
    sink.accept(toRow!(values));
  });
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })) csv.push(chunk as string);
  csv.end();
  if (header === null) throw badInput(`${path} is empty`, 'pass the CSV file Athena wrote for the query keyshift printed');
  return { files: 1, events: sink.calls };
}

/** The result CSV of the Athena query, run by the user. */
export function athenaResultFileSource(path: string, window: TimeWindow): EventSource {
  return {
    description: { type: 'athena', location: path },
    read: (onEvent, skips) => readResultFile(path, window, onEvent, skips),
  };
}

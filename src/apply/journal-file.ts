// The journal on disk: append-only NDJSON, each record written and flushed (fdatasync) before
// the call it announces is sent, so a crash at any point leaves every sent call's intent on
// disk. Reading tolerates one torn last line (a crash mid-write); anything else malformed is
// bad input, never silently skipped.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { badInput } from '../errors.js';
import { JournalHeader, JournalRecord, JOURNAL_VERSION } from '../model/journal.js';

export interface JournalContents {
  header: JournalHeader;
  records: JournalRecord[];
  /** a torn last line was found (a crash while writing it) and ignored */
  tornTail: boolean;
}

export class JournalWriter {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  /** Opens for appending; a torn last line of an earlier crash is ended with a newline first. */
  static async open(path: string): Promise<JournalWriter> {
    const file = await open(path, 'a+');
    const { size } = await file.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await file.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await file.appendFile('\n');
    }
    return new JournalWriter(path, file);
  }

  /** Appends one record and flushes it to disk; records are written in call order. */
  append(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const write = this.queue.then(async () => {
      await this.file.appendFile(line);
      await this.file.datasync();
    });
    this.queue = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file.close();
  }
}

export function parseJournal(text: string, source: string): JournalContents {
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      // a torn line is a crash while it was being written: the last line, or the last before
      // a later run's records
      if (isTorn(lines, i)) {
        tornTail = true;
        continue;
      }
      throw badInput(`${source} line ${i + 1} is not a journal record (not JSON)`);
    }
    if (i === 0 || records.length === 0) checkHeader(raw, source);
    const parsed = JournalRecord.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw badInput(`${source} line ${i + 1} is not a valid journal record${first ? ` at ${first.path.join('.')}: ${first.message}` : ''}`);
    }
    records.push(parsed.data);
  }
  const header = records[0];
  if (!header || header.type !== 'header') throw badInput(`${source} is empty or has no journal header`, 'pass the journal that keyshift apply wrote');
  return { header, records, tornTail };
}

function isTorn(lines: readonly string[], i: number): boolean {
  const next = lines.slice(i + 1).find((l) => l.trim() !== '');
  if (next === undefined) return true;
  try {
    return (JSON.parse(next) as { type?: unknown }).type === 'run';
  } catch {
    return false;
  }
}

function checkHeader(raw: unknown, source: string): void {
  const r = raw as { type?: unknown; kind?: unknown; version?: unknown };
  if (r?.kind !== 'journal') {
    const got = typeof r?.kind === 'string' ? `a ${r.kind} document` : 'not a keyshift journal';
    throw badInput(`${source} is ${got}, not a journal`, 'pass the journal that keyshift apply wrote (plan.journal.ndjson)');
  }
  if (typeof r.version === 'number' && r.version > JOURNAL_VERSION) {
    throw badInput(`${source} is a journal of version ${r.version}, newer than this keyshift reads (${JOURNAL_VERSION})`, 'upgrade keyshift to read it');
  }
  JournalHeader.parse(raw);
}

export async function readJournal(path: string): Promise<JournalContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw badInput(`cannot read the journal ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, undefined, e);
  }
  return parseJournal(text, path);
}

/** plan.json -> plan.journal.ndjson, next to the plan. */
export function defaultJournalPath(planPath: string): string {
  return `${planPath.replace(/\.json$/i, '')}.journal.ndjson`;
}

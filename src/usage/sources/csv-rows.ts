// A streaming CSV reader (RFC 4180, as Athena writes results): fields separated by commas,
// quoted when they hold commas, quotes or line breaks, quotes doubled inside quotes, rows
// ending in LF or CRLF. Text arrives in chunks of any size; rows leave one at a time, so a
// large result never sits in memory whole. Athena writes NULL as an empty unquoted field and
// the empty string as "": the first reads as null, the second as ''.

export type CsvRow = (string | null)[];

export class CsvRows {
  private row: CsvRow = [];
  private field = '';
  /** whether the current field was quoted */
  private quoted = false;
  private state: 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' = 'start';
  /** whether anything of the current row has been read (a blank line is no row) */
  private started = false;

  constructor(private readonly onRow: (row: CsvRow, complete: boolean) => void) {}

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      switch (this.state) {
        case 'quoted':
          if (c === '"') this.state = 'quote-in-quoted';
          else this.field += c;
          break;
        case 'quote-in-quoted':
          if (c === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else {
            // the closing quote: what follows ends the field (anything else is kept, leniently)
            this.state = 'unquoted';
            i--;
          }
          break;
        default:
          if (c === '"' && this.state === 'start') {
            this.quoted = true;
            this.started = true;
            this.state = 'quoted';
          } else if (c === ',') {
            this.started = true;
            this.endField();
          } else if (c === '\n') {
            this.endRow(true);
          } else if (c !== '\r') {
            this.started = true;
            this.field += c;
            this.state = 'unquoted';
          }
      }
    }
  }

  /** The end of the text: a last row without a line break still counts; one inside an open quote is incomplete. */
  end(): void {
    if (this.state === 'quoted') {
      this.endRow(false);
      return;
    }
    if (this.started || this.row.length > 0) this.endRow(true);
  }

  private endField(): void {
    this.row.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
    this.state = 'start';
  }

  private endRow(complete: boolean): void {
    if (!this.started && this.row.length === 0) return;
    this.endField();
    const row = this.row;
    this.row = [];
    this.started = false;
    this.onRow(row, complete);
  }
}

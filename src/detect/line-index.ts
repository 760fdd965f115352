// Offsets to 1-based lines and columns. Columns count UTF-16 code units, as JS strings do.
export class LineIndex {
  readonly #text: string;
  #starts: number[] | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  // Built on first use: most texts handed to the detector have nothing to locate.
  #lineStarts(): number[] {
    if (this.#starts) return this.#starts;
    const starts = [0];
    for (let i = this.#text.indexOf('\n'); i !== -1; i = this.#text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.#starts = starts;
    return starts;
  }

  /** 1-based line of an offset. */
  lineOf(index: number): number {
    const starts = this.#lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based column of an offset on its line. */
  columnOf(index: number): number {
    return index - this.startOf(this.lineOf(index)) + 1;
  }

  /** Offset of the first character of a 1-based line. */
  startOf(line: number): number {
    return this.#lineStarts()[line - 1] ?? this.#text.length;
  }

  /** Offset just past the last character of a 1-based line (its line break, or the end of the text). */
  endOf(line: number): number {
    const next = this.#lineStarts()[line];
    return next === undefined ? this.#text.length : next - 1;
  }

  /** Number of lines (a text ending in a line break has an empty last line). */
  get count(): number {
    return this.#lineStarts().length;
  }

  /** The text of a 1-based line, without its line break. */
  textOf(line: number): string {
    const text = this.#text.slice(this.startOf(line), this.endOf(line));
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }
}

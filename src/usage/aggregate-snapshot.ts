// The plain-data form of an aggregate (UsageAggregator.snapshot), made for postMessage between
// threads: every string once in a table, everything else as numbers in one Float64Array that is
// transferred, not copied. Structured clone of the aggregate's own objects would copy each
// string once per use (every tally repeats its action and resource) and rebuild every object.

/** An aggregate as plain data: `numbers` refer to `strings` by index (-1: null). */
export interface AggregatorSnapshot {
  strings: string[];
  numbers: Float64Array<ArrayBuffer>;
}

export class SnapshotWriter {
  private readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly numbers: number[] = [];

  num(n: number): void {
    this.numbers.push(n);
  }

  str(s: string | null): void {
    if (s === null) {
      this.numbers.push(-1);
      return;
    }
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    this.numbers.push(i);
  }

  finish(): AggregatorSnapshot {
    return { strings: this.strings, numbers: Float64Array.from(this.numbers) };
  }
}

export class SnapshotReader {
  private at = 0;

  constructor(private readonly snapshot: AggregatorSnapshot) {}

  num(): number {
    const n = this.snapshot.numbers[this.at++];
    if (n === undefined) throw new RangeError('aggregate snapshot ends early');
    return n;
  }

  str(): string {
    const s = this.strOrNull();
    if (s === null) throw new RangeError('aggregate snapshot: a string is missing');
    return s;
  }

  strOrNull(): string | null {
    const i = this.num();
    if (i === -1) return null;
    const s = this.snapshot.strings[i];
    if (s === undefined) throw new RangeError('aggregate snapshot: no such string');
    return s;
  }

  get done(): boolean {
    return this.at >= this.snapshot.numbers.length;
  }
}

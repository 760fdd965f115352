// Splits NUL-terminated output (`git log -z`, `git ls-tree -z`) into fields, chunk by chunk.
// Fields are handed over as views of the chunk; only a field split across two chunks is
// copied, so the caller decides what is worth decoding.

export class NulFieldSplitter {
  private carry: Buffer | undefined;

  /** `onField` receives a view that is only valid during the call. */
  constructor(private readonly onField: (field: Buffer) => void) {}

  push(chunk: Buffer): void {
    let pos = 0;
    for (;;) {
      const nul = chunk.indexOf(0, pos);
      if (nul < 0) break;
      const field = chunk.subarray(pos, nul);
      if (this.carry) {
        const joined = Buffer.concat([this.carry, field]);
        this.carry = undefined;
        this.onField(joined);
      } else {
        this.onField(field);
      }
      pos = nul + 1;
    }
    if (pos < chunk.length) {
      const tail = chunk.subarray(pos);
      this.carry = this.carry ? Buffer.concat([this.carry, tail]) : Buffer.from(tail);
    }
  }

  /** Hands over a last field that had no terminating NUL. */
  end(): void {
    if (this.carry && this.carry.length > 0) this.onField(this.carry);
    this.carry = undefined;
  }
}

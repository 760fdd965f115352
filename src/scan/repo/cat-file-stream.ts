// A streaming parser of `git cat-file --batch='%(objectname) %(objecttype) %(objectsize) %(rest)'`
// output. Each object is a header line, `size` bytes of content and a newline. Bodies the
// handler does not want (non-blobs, blobs over the size limit) are skipped without being
// buffered; a wanted body that lies inside one chunk is handed over as a view of that chunk,
// and only a body that spans chunks is copied, once, into a buffer of its exact size.

export interface BatchHeader {
  id: string;
  type: string;
  size: number;
  /** what followed the object name on cat-file's input: rev-list's path for the object */
  rest: string;
}

export interface BatchHandler {
  /** Whether to read this object's body; false skips it without buffering. */
  onHeader(header: BatchHeader): boolean;
  /** The body of a wanted object. `body` may be a view of the stream's chunk: do not keep it. */
  onBody(header: BatchHeader, body: Buffer): void;
  /** An input line cat-file could not resolve (`<name> missing` / `ambiguous`). */
  onMissing?(name: string): void;
}

const NEWLINE = 0x0a;

type State =
  | { kind: 'header' }
  /** `buffer` is allocated only when the body turns out to span chunks */
  | { kind: 'body'; header: BatchHeader; buffer: Buffer | undefined; filled: number }
  | { kind: 'skip'; remaining: number }
  | { kind: 'terminator' };

export class CatFileBatchParser {
  private state: State = { kind: 'header' };
  /** a header line split across chunks; copied, so it never pins a whole chunk */
  private headerCarry: Buffer | undefined;

  constructor(private readonly handler: BatchHandler) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const state = this.state;
      switch (state.kind) {
        case 'header': {
          const newline = chunk.indexOf(NEWLINE, pos);
          if (newline < 0) {
            const tail = chunk.subarray(pos);
            this.headerCarry = this.headerCarry ? Buffer.concat([this.headerCarry, tail]) : Buffer.from(tail);
            return;
          }
          const lineBytes = this.headerCarry ? Buffer.concat([this.headerCarry, chunk.subarray(pos, newline)]) : chunk.subarray(pos, newline);
          this.headerCarry = undefined;
          pos = newline + 1;
          this.startObject(lineBytes.toString('utf8'));
          break;
        }
        case 'body': {
          const size = state.header.size;
          if (state.buffer === undefined && chunk.length - pos >= size) {
            // The whole body is in this chunk: hand it over without copying.
            this.state = { kind: 'terminator' };
            this.handler.onBody(state.header, chunk.subarray(pos, pos + size));
            pos += size;
            break;
          }
          state.buffer ??= Buffer.allocUnsafe(size);
          const take = Math.min(size - state.filled, chunk.length - pos);
          chunk.copy(state.buffer, state.filled, pos, pos + take);
          state.filled += take;
          pos += take;
          if (state.filled === size) {
            this.state = { kind: 'terminator' };
            this.handler.onBody(state.header, state.buffer);
          }
          break;
        }
        case 'skip': {
          const take = Math.min(state.remaining, chunk.length - pos);
          state.remaining -= take;
          pos += take;
          if (state.remaining === 0) this.state = { kind: 'terminator' };
          break;
        }
        case 'terminator': {
          if (chunk[pos] !== NEWLINE) throw new Error('git cat-file output is out of step: no newline after an object');
          pos += 1;
          this.state = { kind: 'header' };
          break;
        }
      }
    }
  }

  /** Call at the end of the stream: output that stops inside an object is an error. */
  end(): void {
    if (this.state.kind !== 'header' || this.headerCarry !== undefined) {
      throw new Error('git cat-file output ended inside an object');
    }
  }

  private startObject(line: string): void {
    const first = line.indexOf(' ');
    const second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    const word = first < 0 ? '' : line.slice(first + 1, second < 0 ? undefined : second);
    if (second < 0 || word === 'missing' || word === 'ambiguous') {
      // `<name> missing`: nothing follows, not even a body.
      this.handler.onMissing?.(first < 0 ? line : line.slice(0, first));
      return;
    }
    const third = line.indexOf(' ', second + 1);
    const size = Number(line.slice(second + 1, third < 0 ? undefined : third));
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`git cat-file printed an unexpected header: ${line.slice(0, 120)}`);
    const header: BatchHeader = {
      id: line.slice(0, first),
      type: word,
      size,
      rest: third < 0 ? '' : line.slice(third + 1),
    };
    if (!this.handler.onHeader(header)) {
      this.state = size === 0 ? { kind: 'terminator' } : { kind: 'skip', remaining: size };
      return;
    }
    if (size === 0) {
      this.state = { kind: 'terminator' };
      this.handler.onBody(header, Buffer.alloc(0));
      return;
    }
    this.state = { kind: 'body', header, buffer: undefined, filled: 0 };
  }
}

// NDJSON events on stderr for pipelines (--json): one JSON object per line, so stdout keeps
// only the result document.
import type { ConfirmQuestion, IoEvent, IoHost } from '../../src/io/host.js';
import { askYesNo } from './ask.js';
import type { Streams } from './streams.js';

export class NdjsonHost implements IoHost {
  constructor(
    private readonly streams: Streams,
    private readonly options: { quiet: boolean; interactive: boolean },
  ) {}

  notify(e: IoEvent): void {
    if (this.options.quiet && (e.type === 'progress' || e.type === 'phase')) return;
    this.streams.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
  }

  confirm(q: ConfirmQuestion): Promise<boolean> {
    return this.options.interactive ? askYesNo(q, this.streams) : Promise.resolve(q.default);
  }
}

// Picks the IoHost for the resolved mode. The ink host is imported lazily.
import type { IoHost } from '../../src/io/host.js';
import type { Mode } from '../mode.js';
import { NdjsonHost } from './ndjson-host.js';
import { PlainHost } from './plain-host.js';
import type { Streams } from './streams.js';

export interface CliHost extends IoHost {
  close(): void;
}

export async function createHost(mode: Mode, streams: Streams): Promise<CliHost> {
  if (mode.rendering === 'ink' && !mode.quiet) {
    const { InkHost } = await import('./ink-host.js');
    return new InkHost(streams);
  }
  const base = mode.rendering === 'ndjson'
    ? new NdjsonHost(streams, { quiet: mode.quiet, interactive: mode.interactive })
    : new PlainHost(streams, { quiet: mode.quiet, interactive: mode.interactive, verbose: mode.debug });
  return Object.assign(base, { close() {} });
}

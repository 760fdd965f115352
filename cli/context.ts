// What every command receives: the streams, the interrupt signal, the resolved mode, and the
// host that renders engine events for that mode.
import chalk from 'chalk';
import { resolveMode, type Mode } from './mode.js';
import { createHost, type CliHost } from './io/create-host.js';
import type { Streams } from './io/streams.js';

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  debug?: boolean;
  quiet?: boolean;
}

export interface CliContext {
  streams: Streams;
  signal: AbortSignal;
  env: Record<string, string | undefined>;
  /** the clock; commands with --as-of override it */
  now: () => Date;
  mode: Mode;
  host: CliHost;
}

export async function createContext(
  globals: GlobalOptions,
  base: { streams: Streams; signal: AbortSignal; env: Record<string, string | undefined>; now: () => Date },
): Promise<CliContext> {
  const mode = resolveMode({
    json: globals.json === true,
    color: globals.color !== false,
    quiet: globals.quiet === true,
    debug: globals.debug === true,
    stdoutIsTTY: base.streams.stdout.isTTY === true,
    stderrIsTTY: base.streams.stderr.isTTY === true,
    stdinIsTTY: base.streams.stdin.isTTY === true,
    env: base.env,
    detectedColorLevel: chalk.level,
  });
  if (!mode.color) chalk.level = 0;
  return { ...base, mode, host: await createHost(mode, base.streams) };
}

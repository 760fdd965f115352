// argv -> mode -> command -> exit code. The only place that installs the Ctrl-C handler:
// the first Ctrl-C aborts the running command (which stops cleanly, exit 130); a second one
// exits at once.
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { ExitCode } from './exit-codes.js';
import { processStreams, type Streams } from './io/streams.js';
import { reportError } from './report-error.js';
import type { CliContext } from './context.js';
import { InterruptedError } from '../src/errors.js';

export interface MainDeps {
  streams: Streams;
  env: Record<string, string | undefined>;
  now: () => Date;
}

export async function main(argv: string[], deps: MainDeps = { streams: processStreams(), env: process.env, now: () => new Date() }): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let ctx: CliContext | undefined;
  const debugFlag = argv.includes('--debug');
  const jsonFlag = argv.includes('--json');
  try {
    let code: number = ExitCode.ok;
    const program = buildProgram({
      base: { ...deps, signal: controller.signal },
      onContext: (c) => (ctx = c),
      onExitCode: (c) => (code = c),
    });
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed its message (help, version, or the usage error)
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    ctx?.host.close();
    if (controller.signal.aborted) return reportError(new InterruptedError(), deps.streams, { debug: debugFlag, json: jsonFlag });
    return reportError(e, deps.streams, { debug: ctx?.mode.debug ?? debugFlag, json: ctx?.mode.json ?? jsonFlag });
  } finally {
    ctx?.host.close();
    process.off('SIGINT', onSigint);
  }
}

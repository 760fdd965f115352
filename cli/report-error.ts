// Turns any thrown value into one or two lines on stderr and an exit code. KeyshiftErrors
// say what happened and what to do; anything else is a bug (70) with a hint to report it.
// Stacks only with --debug. In --json mode the error is also an NDJSON event.
import { isKeyshiftError } from '../src/errors.js';
import { ExitCode, exitCodeForKind } from './exit-codes.js';
import type { Streams } from './io/streams.js';

export function reportError(e: unknown, streams: Streams, opts: { debug: boolean; json: boolean }): number {
  let code: number;
  let message: string;
  let hint: string | undefined;
  let kind: string;
  if (isKeyshiftError(e)) {
    code = exitCodeForKind(e.kind);
    kind = e.kind;
    message = e.message;
    hint = e.hint;
  } else {
    code = ExitCode.internal;
    kind = 'internal';
    message = `internal error: ${e instanceof Error ? e.message : String(e)}`;
    hint = 'this is a bug in keyshift; run again with --debug and report the output';
  }
  if (code === ExitCode.interrupted) {
    streams.stderr.write('keyshift: interrupted\n');
  } else {
    streams.stderr.write(`keyshift: error: ${message}\n`);
    if (hint) streams.stderr.write(`  ${hint}\n`);
  }
  if (opts.debug && e instanceof Error && e.stack) streams.stderr.write(`${e.stack}\n`);
  if (opts.json) streams.stderr.write(`${JSON.stringify({ type: 'error', kind, exitCode: code, message, hint })}\n`);
  return code;
}

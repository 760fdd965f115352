// The error taxonomy. The engine throws these; the CLI maps each kind to an exit code
// (cli/exit-codes.ts). Messages say what happened and why; `hint` says what to do next.
// A message never contains a secret access key.

export type ErrorKind =
  | 'usage' // bad flag, missing argument
  | 'bad-input' // unreadable or invalid file, wrong document kind/version, plan for another account
  | 'aws-refused' // no credentials, access denied for the whole job
  | 'safety-gate' // a gate held and needs a person
  | 'waiting' // a gate needs time to pass
  | 'incomplete' // output written, but part of the input could not be read
  | 'interrupted' // Ctrl-C
  | 'internal'; // a bug

export class KeyshiftError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeyshiftError';
    this.kind = kind;
    this.hint = options.hint;
  }
}

export const usageError = (message: string, hint?: string) => new KeyshiftError('usage', message, { hint });
export const badInput = (message: string, hint?: string, cause?: unknown) =>
  new KeyshiftError('bad-input', message, { hint, cause });
export const awsRefused = (message: string, hint?: string, cause?: unknown) =>
  new KeyshiftError('aws-refused', message, { hint, cause });

export class InterruptedError extends KeyshiftError {
  constructor() {
    super('interrupted', 'interrupted');
  }
}

/** Throws InterruptedError when the signal has fired; long loops call it between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}

export function isKeyshiftError(e: unknown): e is KeyshiftError {
  return e instanceof KeyshiftError;
}

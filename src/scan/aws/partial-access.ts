// Partial access: an AccessDenied (or another failure) on one part of the inventory names
// the missing permission, marks that part incomplete and lets the scan go on (exit 6). Only
// a job-wide refusal — no credentials, credentials rejected — stops the scan (exit 4).
import { asAwsRefused, isAccessDenied } from '../../aws/aws-error.js';
import { throwIfAborted } from '../../errors.js';
import type { IoHost } from '../../io/host.js';
import type { IncompletePart } from '../../model/inventory.js';

export class IncompleteParts {
  readonly parts: IncompletePart[] = [];

  constructor(
    private readonly host: IoHost,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Runs one part of the scan. On AccessDenied or a service error, records the part as
   * incomplete and returns `undefined`; errors that concern the whole job are rethrown.
   */
  async attempt<T>(what: { action: string; region: string | null; part: string }, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      throwIfAborted(this.signal);
      const name = (e as { name?: string } | null)?.name ?? '';
      if (isJobWide(name, e)) throw asAwsRefused(e, what.action);
      const reason: IncompletePart['reason'] = isAccessDenied(e) ? 'access-denied' : /NotImplemented|Unsupported|InvalidAction/i.test(name) ? 'unsupported' : 'error';
      const message =
        reason === 'access-denied'
          ? `${what.action} was denied: ${what.part} is not in the inventory (grant ${what.action})`
          : `${what.action} failed (${name || 'error'}): ${what.part} is not in the inventory`;
      this.parts.push({ ...what, reason, message });
      this.host.notify({ type: 'warning', code: `incomplete:${reason}`, message: what.region ? `${what.region}: ${message}` : message });
      return undefined;
    }
  }
}

function isJobWide(name: string, e: unknown): boolean {
  return (
    name === 'CredentialsProviderError' ||
    name === 'InvalidClientTokenId' ||
    name === 'UnrecognizedClientException' ||
    name === 'ExpiredToken' ||
    name === 'ExpiredTokenException' ||
    /Could not load credentials/i.test(String((e as Error | null)?.message))
  );
}

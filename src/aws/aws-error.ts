// Turns an SDK error on a call the whole job depends on into a KeyshiftError that names
// what is missing (credentials, or the permission for the call).
import { awsRefused, isKeyshiftError, KeyshiftError } from '../errors.js';

/** An AccessDenied from AWS, also when keyshift has wrapped it (asAwsRefused keeps it as the cause). */
export function isAccessDenied(e: unknown): boolean {
  const err = e as { name?: string; cause?: unknown } | null;
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(err?.name ?? '')) return true;
  return err?.cause !== undefined && err.cause !== e && isAccessDenied(err.cause);
}

export function asAwsRefused(e: unknown, action: string): KeyshiftError {
  if (isKeyshiftError(e)) return e;
  const name = (e as { name?: string } | null)?.name ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials|Unable to locate credentials/i.test(String((e as Error)?.message))) {
    return awsRefused('no AWS credentials found', 'configure credentials (environment, ~/.aws, SSO) or pass --profile', e);
  }
  if (isAccessDenied(e)) return awsRefused(`AWS denied ${action}`, `grant ${action} to the identity keyshift runs as`, e);
  if (name === 'InvalidClientTokenId' || name === 'UnrecognizedClientException' || name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return awsRefused(`AWS rejected the credentials (${name})`, 'refresh or fix the credentials keyshift runs with', e);
  }
  return awsRefused(`${action} failed: ${name || 'error'}: ${(e as Error)?.message ?? String(e)}`, 'check connectivity, region and --endpoint-url', e);
}

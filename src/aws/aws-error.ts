// Turns an SDK error on a call the whole job depends on into a KeyshiftError that names
// what is missing (credentials, or the permission for the call).
import { awsRefused, isKeyshiftError, KeyshiftError } from '../errors.js';

export function isAccessDenied(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  return /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name);
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

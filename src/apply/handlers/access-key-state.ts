// An access key's live state, read from IAM by its ID alone: GetAccessKeyLastUsed names the
// user that owns it (and when it was last used), ListAccessKeys of that user gives its status.
// Used by verify-key-quiet and finalize; both only read here.
import { GetAccessKeyLastUsedCommand, IAMClient, ListAccessKeysCommand, type StatusType } from '@aws-sdk/client-iam';
import type { AwsContext } from '../../aws/aws-context.js';
import { asAwsRefused } from '../../aws/aws-error.js';
import { throwIfAborted } from '../../errors.js';

export interface AccessKeyState {
  accessKeyId: string;
  userName: string;
  status: StatusType | string;
  /** IAM's last-used date: it lags the real use by up to about four hours */
  lastUsed: Date | null;
  /** the service and region of that last use, when IAM knows them */
  lastUsedService: string | null;
  lastUsedRegion: string | null;
}

/** IAM's last-used information trails the real use by up to about four hours. */
export const LAST_USED_LAG_SECONDS = 4 * 3600;

function isNoSuchEntity(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  return name === 'NoSuchEntity' || name === 'NoSuchEntityException';
}

function known(value: string | undefined): string | null {
  return value === undefined || value === '' || value === 'N/A' ? null : value;
}

/** The key's owner, status and last use; null when the key does not exist (deleted). */
export async function readAccessKeyState(aws: AwsContext, accessKeyId: string, signal: AbortSignal): Promise<AccessKeyState | null> {
  const iam = aws.client(IAMClient);
  let used;
  try {
    used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }), { abortSignal: signal });
  } catch (e) {
    throwIfAborted(signal);
    if (isNoSuchEntity(e)) return null;
    throw asAwsRefused(e, 'iam:GetAccessKeyLastUsed');
  }
  const userName = used.UserName;
  if (userName === undefined || userName === '') return null;
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }), { abortSignal: signal });
    } catch (e) {
      throwIfAborted(signal);
      if (isNoSuchEntity(e)) return null;
      throw asAwsRefused(e, 'iam:ListAccessKeys');
    }
    const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId);
    if (key !== undefined) {
      const last = used.AccessKeyLastUsed;
      return {
        accessKeyId,
        userName,
        status: key.Status ?? 'unknown',
        lastUsed: last?.LastUsedDate ?? null,
        lastUsedService: known(last?.ServiceName),
        lastUsedRegion: known(last?.Region),
      };
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);
  return null;
}

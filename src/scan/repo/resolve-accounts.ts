// --resolve: looks up the account of each key ID with sts:GetAccessKeyInfo, using the
// operator's own credentials. A found secret is never used to call AWS: only key IDs are sent.
import { asAwsRefused } from '../../aws/aws-error.js';
import { clientConfig, type AwsConnection } from '../../aws/connection.js';
import { throwIfAborted } from '../../errors.js';
import type { Finding } from '../../model/finding.js';

export async function resolveAccounts(
  findings: Finding[],
  conn: AwsConnection,
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<Finding[]> {
  const keyIds = [...new Set(findings.flatMap((f) => (f.keyId ? [f.keyId] : [])))];
  if (keyIds.length === 0) return findings;
  // loaded here, not at start-up: only --resolve needs the STS client
  const { GetAccessKeyInfoCommand, STSClient } = await import('@aws-sdk/client-sts');
  const sts = new STSClient(clientConfig(conn, env));
  const accounts = new Map<string, string>();
  try {
    for (const keyId of keyIds) {
      throwIfAborted(signal);
      const out = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: keyId }), { abortSignal: signal });
      if (out.Account) accounts.set(keyId, out.Account);
    }
  } catch (e) {
    throwIfAborted(signal);
    throw asAwsRefused(e, 'sts:GetAccessKeyInfo');
  } finally {
    sts.destroy();
  }
  return findings.map((f) => {
    const id = f.keyId ? accounts.get(f.keyId) : undefined;
    return id ? { ...f, account: { id, source: 'resolved' as const } } : f;
  });
}

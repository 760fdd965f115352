// Tools that keep their own AWS keys in their own files, which the SDKs never read: removing
// the key there needs the tool's own change to use the instance role, or a person.
export interface ToolWithOwnKeys {
  name: string;
  /** the config change that makes the tool use the instance role, when there is one */
  change?: string;
  /** what a person must do, when a file change alone cannot */
  manual?: string;
}

const TOOLS: readonly { file: RegExp; tool: ToolWithOwnKeys }[] = [
  { file: /(^|\/)\.s3cfg$/, tool: { name: 's3cmd', change: 'clear access_key and secret_key (s3cmd then uses the instance role)' } },
  { file: /(^|\/)(\.config\/rclone\/rclone\.conf|\.rclone\.conf)$/, tool: { name: 'rclone', change: 'set env_auth = true and clear access_key_id and secret_access_key in the S3 remote' } },
  { file: /(^|\/)(\.boto|boto\.cfg)$/, tool: { name: 'boto', change: 'remove aws_access_key_id and aws_secret_access_key (boto then uses the instance role)' } },
  { file: /(^|\/)\.?passwd-s3fs$/, tool: { name: 's3fs', manual: 'remount with -o iam_role=auto (in /etc/fstab or the mount unit), then remove the key line from the password file' } },
];

export function toolWithOwnKeys(path: string): ToolWithOwnKeys | null {
  return TOOLS.find((t) => t.file.test(path))?.tool ?? null;
}

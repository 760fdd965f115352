// keyshift's own SSM document for the cutover: a Command document (schema 2.2) that embeds the
// payload and takes the ops as its one parameter. Its name carries the payload's digest, so a
// changed payload is a new document and an instance never runs a payload other than the one
// this keyshift ships. The ops are base64 (the parameter's allowed pattern), so nothing in
// them can break out of the script SSM builds around them.
import { encodeCutoverPayload, type CutoverPayload } from './cutover-payload.js';

export const DOCUMENT_PREFIX = 'keyshift-cutover-';

export interface CutoverDocument {
  name: string;
  content: string;
}

// How long the payload may run on the host; it reads and writes a few small files.
export const EXECUTION_TIMEOUT_SECONDS = 600;

export function cutoverDocumentName(payload: CutoverPayload): string {
  return `${DOCUMENT_PREFIX}${payload.sha256.slice(0, 12)}`;
}

export function cutoverDocument(payload: CutoverPayload): CutoverDocument {
  const encoded = encodeCutoverPayload(payload);
  const failed = (why: string) => `{ echo '{"op":"payload","status":"failed","message":"${why}"}'; exit 3; }`;
  const content = {
    schemaVersion: '2.2',
    description: `keyshift cutover payload ${payload.sha256.slice(0, 12)}: removes static AWS keys from files on the instance (backed up first), restarts the services that held them, checks which identity the AWS SDK resolves, and puts backups back.`,
    parameters: {
      ops: {
        type: 'String',
        description: 'The ops, base64-encoded: one op a line, fields separated by tabs (see cutover.sh).',
        allowedPattern: '^[A-Za-z0-9+/=]+$',
      },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'cutover',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          timeoutSeconds: String(EXECUTION_TIMEOUT_SECONDS),
          runCommand: [
            'set -u',
            'umask 077',
            `d=$(mktemp -d 2>/dev/null) || ${failed('cannot make a private directory')}`,
            `trap 'rm -rf "$d"' EXIT`,
            `printf '%s' '${encoded}' >"$d/payload.b64"`,
            `{ base64 -d <"$d/payload.b64" 2>/dev/null || openssl base64 -d -A <"$d/payload.b64"; } | gzip -dc >"$d/cutover.sh" 2>/dev/null || ${failed('cannot unpack the payload')}`,
            `printf '%s' '{{ ops }}' >"$d/ops.b64"`,
            `{ base64 -d <"$d/ops.b64" 2>/dev/null || openssl base64 -d -A <"$d/ops.b64"; } >"$d/ops" || ${failed('cannot decode the ops')}`,
            'sh "$d/cutover.sh" --root / <"$d/ops"',
          ],
        },
      },
    ],
  };
  return { name: cutoverDocumentName(payload), content: JSON.stringify(content, null, 2) };
}

// The shell scripts keyshift sends through SSM Run Command (AWS-RunShellScript), and how it
// reads what they print. SSM hands back at most 24,000 characters of a command's output, so
// the scan script keeps the payload's output on the host (in a private directory under
// /var/tmp, named for this scan), prints the first chunk of it gzipped and base64-encoded,
// and later commands print the rest a chunk at a time; the last one removes the directory.
// The output holds no secret (the payload sends only fingerprints), and a directory left by a
// scan that never came back for it is removed by the next scan after a day.
//
// Every script answers with one header line first, so keyshift never takes a shell error or
// a missing file for an empty host:
//   KEYSHIFT 1 output ENCODING SIZE EXIT   then the first chunk (scan script)
//   KEYSHIFT 1 chunk N                     then chunk N (chunk script)
//   KEYSHIFT 1 failed REASON               nothing usable follows
export interface ScriptPlace {
  /** names this scan's directory on every host, so chunk commands find the output */
  nonce: string;
  /** where the directory is made: /var/tmp (survives the command, unlike a private /tmp) */
  workDir: string;
  /** characters of base64 per chunk: under SSM's 24,000 with room for the header */
  chunkSize: number;
}

export interface PayloadRun {
  /** the root the payload scans: / on a real host */
  root: string;
  processes: boolean;
  appDirs?: readonly string[] | undefined;
}

export const DEFAULT_CHUNK_SIZE = 20_000;
const MAX_CHUNK_SIZE = 23_000;
// A day: long enough for any scan to come back for its chunks.
const STALE_MINUTES = 1440;

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function checkPlace(place: ScriptPlace): void {
  if (!/^[a-z0-9]{8,40}$/.test(place.nonce)) throw new RangeError('the nonce must be 8 to 40 lower-case letters and digits');
  if (!place.workDir.startsWith('/')) throw new RangeError('the work directory must be an absolute path');
  if (!Number.isInteger(place.chunkSize) || place.chunkSize < 100 || place.chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`the chunk size must be 100 to ${MAX_CHUNK_SIZE} characters`);
  }
}

const directory = (place: ScriptPlace): string => `${place.workDir.replace(/\/+$/, '')}/keyshift-${place.nonce}`;

/** The scan command: unpack the payload, run it, keep its output, print the first chunk. */
export function scanScript(encodedPayload: string, place: ScriptPlace, run: PayloadRun): string[] {
  checkPlace(place);
  if (!/^[A-Za-z0-9+/=]+$/.test(encodedPayload)) throw new RangeError('the payload must be base64');
  const args = [...(run.processes ? [] : ['--no-processes']), ...(run.appDirs ?? []).flatMap((d) => ['--app-dir', d]), '--', run.root].map(quote).join(' ');
  return [
    'set -u',
    'umask 077',
    `d=${quote(directory(place))}`,
    `find ${quote(place.workDir)} -maxdepth 1 -type d -name 'keyshift-*' -mmin +${STALE_MINUTES} -exec rm -rf {} + 2>/dev/null`,
    'fail() { echo "KEYSHIFT 1 failed $1"; rm -rf "$d"; exit 0; }',
    'rm -rf "$d"; mkdir "$d" 2>/dev/null || fail workdir',
    `printf '%s' ${quote(encodedPayload)} >"$d/payload"`,
    '{ base64 -d <"$d/payload" 2>/dev/null || openssl base64 -d -A <"$d/payload"; } | gzip -dc >"$d/scan-host.sh" 2>/dev/null || fail unpack',
    `sh "$d/scan-host.sh" ${args} >"$d/out" 2>"$d/err"`,
    'rc=$?',
    'if gzip -c "$d/out" 2>/dev/null | base64 2>/dev/null | tr -d "\\n" >"$d/out.b64" && [ -s "$d/out.b64" ]; then enc=gzip-base64',
    'elif base64 <"$d/out" 2>/dev/null | tr -d "\\n" >"$d/out.b64" && [ -s "$d/out.b64" ]; then enc=base64',
    'else fail encode; fi',
    'size=$(wc -c <"$d/out.b64" | tr -d " ")',
    'echo "KEYSHIFT 1 output $enc $size $rc"',
    `head -c ${place.chunkSize} "$d/out.b64"`,
    'echo',
    // what the payload said about a failure, for the instance's status (it never prints a secret)
    '[ "$rc" = 0 ] || tail -c 1000 "$d/err" >&2',
    `[ "$size" -gt ${place.chunkSize} ] || rm -rf "$d"`,
    'exit 0',
  ];
}

/** A later command: chunk `index` (1-based after the first) of each host's own output. */
export function chunkScript(place: ScriptPlace, index: number): string[] {
  checkPlace(place);
  if (!Number.isInteger(index) || index < 1) throw new RangeError('chunks after the first are numbered from 1');
  const offset = index * place.chunkSize;
  return [
    'set -u',
    `d=${quote(directory(place))}`,
    '[ -s "$d/out.b64" ] || { echo "KEYSHIFT 1 failed missing"; exit 0; }',
    `echo "KEYSHIFT 1 chunk ${index}"`,
    `tail -c +${offset + 1} "$d/out.b64" | head -c ${place.chunkSize}`,
    'echo',
    `[ "$(wc -c <"$d/out.b64" | tr -d " ")" -gt ${offset + place.chunkSize} ] || rm -rf "$d"`,
    'exit 0',
  ];
}

export type ScriptAnswer =
  | { kind: 'output'; encoding: 'gzip-base64' | 'base64'; size: number; exitCode: number; chunk: string }
  | { kind: 'chunk'; index: number; chunk: string }
  | { kind: 'failed'; reason: string };

/** What a script printed; undefined when there is no header (the script never ran to it). */
export function readScriptAnswer(stdout: string): ScriptAnswer | undefined {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('KEYSHIFT 1 '));
  if (at === -1) return undefined;
  const header = lines[at]!.trim().split(' ').slice(2);
  const chunk = (lines[at + 1] ?? '').trim();
  const output = /^output (gzip-base64|base64) (\d+) (\d+)$/.exec(header.join(' '));
  if (output) return { kind: 'output', encoding: output[1] as 'gzip-base64' | 'base64', size: Number(output[2]), exitCode: Number(output[3]), chunk };
  const chunkHeader = /^chunk (\d+)$/.exec(header.join(' '));
  if (chunkHeader) return { kind: 'chunk', index: Number(chunkHeader[1]), chunk };
  if (header[0] === 'failed') return { kind: 'failed', reason: header.slice(1).join(' ') || 'unknown' };
  return undefined;
}

/** How many chunks an output of `size` characters comes in. */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

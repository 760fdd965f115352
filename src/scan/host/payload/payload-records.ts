// The JSON lines the host payload (scan-host.sh, protocol 1) prints, read and checked. The
// output comes from another machine, so every record is validated, and output without its
// `end` record (cut short by a timeout or an output limit) is refused rather than taken for
// a clean host. Messages name the line number, never its text.
import { z } from 'zod';
import { badInput } from '../../../errors.js';
import type { ScanProblem } from '../../../model/findings-document.js';

export const PAYLOAD_PROTOCOL = 1;

const count = z.number().int().nonnegative();
const hostPath = z.string().startsWith('/');

const Start = z.object({
  t: z.literal('start'),
  protocol: z.number().int(),
  root: z.string(),
  host: z.string(),
  processes: z.boolean(),
  appDirs: z.array(z.string()),
});
const User = z.object({ t: z.literal('user'), name: z.string(), uid: count, home: z.string() });
const Dir = z.object({ t: z.literal('dir'), path: hostPath });
const Link = z.object({ t: z.literal('link'), path: hostPath, target: z.string().min(1) });
const Special = z.object({ t: z.literal('special'), path: hostPath });

/** What src/detect/entropy.ts needs to judge a secret, and not the secret. */
export const SecretShape = z.object({
  /** how often each distinct character occurs, in order of first appearance */
  counts: z.array(z.number().int().positive()).refine((c) => c.reduce((a, b) => a + b, 0) === 40, 'counts of 40 characters'),
  classChanges: count,
  wordLetters: count,
  mixedCase: z.boolean(),
  alphabetRun: z.boolean(),
  decodesToText: z.boolean(),
});
export type SecretShape = z.infer<typeof SecretShape>;

const Secret = SecretShape.extend({ t: z.literal('secret'), fp: z.string().regex(/^sha256:[0-9a-f]{12}$/) });
const File = z.object({
  t: z.literal('file'),
  /** the file's path within the root with links resolved: its identity */
  path: hostPath,
  uid: count.nullable(),
  mode: z.string().regex(/^0[0-7]{3,4}$/),
  /** [line number, redacted line]: the lines that matter, at their places */
  lines: z.array(z.tuple([z.number().int().positive(), z.string()])),
});
const Process = z.object({
  t: z.literal('process'),
  pid: z.number().int().positive(),
  name: z.string(),
  uid: count.nullable(),
  /** null: the environment could not be read */
  environ: z.array(z.string()).nullable(),
  cmdline: z.array(z.string()),
});
const Problem = z.object({
  t: z.literal('problem'),
  path: z.string(),
  reason: z.enum(['unreadable', 'not-utf8', 'symlink-loop']),
  message: z.string(),
});
const End = z.object({
  t: z.literal('end'),
  stats: z.object({ files: count, bytes: count, binary: count, tooLarge: count, unreadable: count }),
  processes: z.object({ seen: count, scanned: count, denied: count, gone: count }),
});

const PayloadRecord = z.discriminatedUnion('t', [Start, User, Dir, Link, Special, Secret, File, Process, Problem, End]);

export type PayloadUser = z.infer<typeof User>;
export type PayloadFile = z.infer<typeof File>;
export type PayloadProcess = z.infer<typeof Process>;
export type PayloadEnd = z.infer<typeof End>;

export interface PayloadOutput {
  /** the scanned root on the host, as it reported it */
  root: string;
  /** the host's own name for itself */
  host: string;
  processes: boolean;
  appDirs: string[];
  users: PayloadUser[];
  dirs: string[];
  /** symlinks met on the way to the files, by path: their targets as written */
  links: Map<string, string>;
  /** paths that resolve to something other than a file or directory (/dev/null) */
  specials: string[];
  /** secret shapes by the 12 hex digits of their fingerprint */
  secrets: Map<string, SecretShape>;
  files: Map<string, PayloadFile>;
  processList: PayloadProcess[];
  problems: ScanProblem[];
  end: PayloadEnd;
}

const HINT = 'run the payload again; if it keeps failing, run it by hand on the host and look at its output';

/** The payload's records; throws bad-input on a malformed record, another protocol or output cut short. */
export function readPayloadOutput(text: string): PayloadOutput {
  const lines = text.split('\n');
  let start: z.infer<typeof Start> | undefined;
  let end: PayloadEnd | undefined;
  const out = {
    users: [] as PayloadUser[],
    dirs: [] as string[],
    links: new Map<string, string>(),
    specials: [] as string[],
    secrets: new Map<string, SecretShape>(),
    files: new Map<string, PayloadFile>(),
    processList: [] as PayloadProcess[],
    problems: [] as ScanProblem[],
  };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let record: z.infer<typeof PayloadRecord>;
    try {
      record = PayloadRecord.parse(JSON.parse(line));
    } catch (e) {
      throw badInput(`the host payload's output is not valid at line ${index + 1}`, HINT, e);
    }
    if (start === undefined && record.t !== 'start') throw badInput('the host payload\'s output does not begin with its start record', HINT);
    if (end !== undefined) throw badInput(`the host payload's output goes on after its end record (line ${index + 1})`, HINT);
    switch (record.t) {
      case 'start':
        if (start !== undefined) throw badInput(`the host payload's output has a second start record (line ${index + 1})`, HINT);
        if (record.protocol !== PAYLOAD_PROTOCOL) {
          throw badInput(`the host payload speaks protocol ${record.protocol}; this keyshift reads protocol ${PAYLOAD_PROTOCOL}`, 'send the payload of this keyshift version');
        }
        start = record;
        break;
      case 'user':
        out.users.push(record);
        break;
      case 'dir':
        out.dirs.push(record.path);
        break;
      case 'link':
        out.links.set(record.path, record.target);
        break;
      case 'special':
        out.specials.push(record.path);
        break;
      case 'secret': {
        const { t: _t, fp, ...shape } = record;
        out.secrets.set(fp.slice('sha256:'.length), shape);
        break;
      }
      case 'file':
        out.files.set(record.path, record);
        break;
      case 'process':
        out.processList.push(record);
        break;
      case 'problem':
        out.problems.push({ path: record.path, reason: record.reason, message: record.message });
        break;
      case 'end':
        end = record;
        break;
    }
  });
  if (start === undefined) throw badInput('the host payload printed nothing', HINT);
  if (end === undefined) throw badInput('the host payload\'s output was cut short: it has no end record', HINT);
  return { root: start.root, host: start.host, processes: start.processes, appDirs: start.appDirs, ...out, end };
}

// The shared vectors (test/fixtures/host-vectors, written by generate.mjs there): each a root
// filesystem and the findings and problems `scan host` must report on it. Both scanners run
// every vector: the TypeScript scanner directly, and the POSIX sh payload the way `scan aws
// --ssm` runs it (`sh scan-host.sh ROOT`, its JSON lines read by parse-payload-output). Both
// must report what the vector expects, the payload exactly what the TypeScript scanner does
// (fingerprints, owners and modes included), and no piece of a secret may be in what the
// payload prints. Where busybox is installed, the payload runs under its sh and awk too.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingHost } from '../../../src/io/host.js';
import type { Finding } from '../../../src/model/finding.js';
import type { ScanProblem } from '../../../src/model/findings-document.js';
import { findingsFromPayloadOutput } from '../../../src/scan/host/payload/parse-payload-output.js';
import { scanHost, type ScanHostResult } from '../../../src/scan/host/scan-host.js';
import { secretPieces } from '../../helpers/fake-keys.js';
import { makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';
import { HostRoot } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

const VECTORS = fileURLToPath(new URL('../../fixtures/host-vectors/', import.meta.url));
const PAYLOAD = fileURLToPath(new URL('../../../src/scan/host/payload/scan-host.sh', import.meta.url));
const HOST = 'i-0vector0000000000';

interface Vector {
  name: string;
  description: string;
  processes: boolean;
  files: { path: string; text?: string; base64?: string; mode: string; uid: number }[];
  links: { path: string; target: string }[];
  dirs: string[];
  procs: { pid: number; name: string; uid: number; environ?: string[]; cmdline: string[]; closed?: boolean }[];
  secrets: string[];
  expected: Expected[];
  problems: { path: string; reason: ScanProblem['reason'] }[];
}

interface Expected {
  rule: Finding['rule'];
  keyId?: string;
  secretFingerprint?: string;
  location: Record<string, unknown>;
}

const vectors: Vector[] = readdirSync(VECTORS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(VECTORS, f), 'utf8')) as Vector);

/** The vector's root in a temporary directory: files first, links last, so no write goes through a link. */
function materialise(v: Vector): string {
  const root = new HostRoot();
  for (const d of v.dirs) root.dir(d);
  for (const f of v.files) root.file(f.path, f.text ?? Buffer.from(f.base64!, 'base64'), { mode: parseInt(f.mode, 8), uid: f.uid });
  for (const p of v.procs) {
    root.process(p.pid, { name: p.name, uid: p.uid, ...(p.environ && { environ: p.environ }), cmdline: p.cmdline });
    if (p.closed) root.dir(`/proc/${p.pid}/environ`); // a directory stands in for another user's closed environ
  }
  for (const l of v.links) root.symlink(l.path, l.target);
  return root.root;
}

/** A finding as the vectors write it: the credential and the place, without host, owner and mode. */
function asExpected(f: Finding): Expected {
  const { location: loc } = f;
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => (loc as Record<string, unknown>)[k] !== undefined).map((k) => [k, (loc as Record<string, unknown>)[k]]));
  const place =
    loc.type === 'host-file'
      ? pick(['type', 'path', 'format', 'section', 'variable', 'line'])
      : loc.type === 'service-env'
        ? pick(['type', 'manager', 'unit', 'file', 'variable'])
        : pick(['type', 'pid', 'variable']);
  return { rule: f.rule, ...(f.keyId !== undefined && { keyId: f.keyId }), ...(f.secretFingerprint !== undefined && { secretFingerprint: f.secretFingerprint }), location: place };
}

const byPlace = (a: Expected, b: Expected) => {
  const ka = JSON.stringify([a.location, a.rule, a.keyId, a.secretFingerprint]);
  const kb = JSON.stringify([b.location, b.rule, b.keyId, b.secretFingerprint]);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function runPayload(root: string, v: Vector, shell: string[] = ['sh'], env: NodeJS.ProcessEnv = process.env): string {
  const args = [...shell.slice(1), PAYLOAD, ...(v.processes ? [] : ['--no-processes']), root];
  return execFileSync(shell[0]!, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
}

const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();

describe.each(vectors.map((v) => [v.name, v] as const))('host vector %s', (_name, v) => {
  let root: string;
  let viaTs: ScanHostResult;
  let payloadOutput: string;
  let viaPayload: ScanHostResult;

  beforeAll(async () => {
    root = materialise(v);
    viaTs = await scanHost({ root, hostName: HOST, includeProcesses: v.processes, host: new RecordingHost() });
    payloadOutput = runPayload(root, v);
    viaPayload = await findingsFromPayloadOutput(payloadOutput, { hostName: HOST });
  });

  it(`the TypeScript scanner reports what the vector expects (${v.description})`, () => {
    expect(viaTs.findings.map(asExpected).sort(byPlace)).toEqual([...v.expected].sort(byPlace));
    expect(viaTs.problems.map(({ path, reason }) => ({ path, reason }))).toEqual(v.problems);
  });

  it('the sh payload reports exactly the same findings: fingerprints, owners, modes and order', () => {
    expect(viaPayload.findings).toEqual(viaTs.findings);
    expect(viaPayload.problems).toEqual(viaTs.problems);
  });

  it('the payload prints no piece of any secret', () => {
    for (const secret of v.secrets) {
      for (const piece of secretPieces(secret)) expect(payloadOutput).not.toContain(piece);
    }
  });

  it.runIf(busybox !== '')('the payload gives the same findings under busybox sh and its tools (runs only where busybox is installed)', async () => {
    const bin = makeTempDir('keyshift-busybox-');
    for (const tool of ['awk', 'find', 'stat', 'head', 'grep', 'tr', 'wc', 'readlink', 'sed', 'cut', 'mktemp', 'sha256sum', 'ls', 'uname', 'date', 'mv', 'rm', 'cat']) {
      symlinkSync(busybox, join(bin, tool));
    }
    const output = runPayload(root, v, [busybox, 'sh'], { ...process.env, PATH: bin });
    expect((await findingsFromPayloadOutput(output, { hostName: HOST })).findings).toEqual(viaTs.findings);
  });
});

// The payload's output as keyshift reads it: output cut short, of another protocol or
// malformed is refused (never taken for a clean host); a hostile skeleton cannot write
// outside its directory; and stand-in secrets are judged exactly as the secrets they replace.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { looksRandomEnough, secretFingerprint } from '../../../src/detect/index.js';
import { isKeyshiftError } from '../../../src/errors.js';
import { RecordingHost } from '../../../src/io/host.js';
import { findingsFromPayloadOutput } from '../../../src/scan/host/payload/parse-payload-output.js';
import { readPayloadOutput, type SecretShape } from '../../../src/scan/host/payload/payload-records.js';
import { writeSkeletonRoot } from '../../../src/scan/host/payload/skeleton-root.js';
import { secretVerdict, surrogateSecret } from '../../../src/scan/host/payload/surrogate-secret.js';
import { scanHost } from '../../../src/scan/host/scan-host.js';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';
import { HostRoot } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

const PAYLOAD = fileURLToPath(new URL('../../../src/scan/host/payload/scan-host.sh', import.meta.url));
const START = '{"t":"start","protocol":1,"root":"/","host":"h","processes":false,"appDirs":["/srv"]}';
const END = '{"t":"end","stats":{"files":0,"bytes":0,"binary":0,"tooLarge":0,"unreadable":0},"processes":{"seen":0,"scanned":0,"denied":0,"gone":0}}';

function badInputMessage(text: string): string {
  try {
    readPayloadOutput(text);
  } catch (e) {
    expect(isKeyshiftError(e) && e.kind).toBe('bad-input');
    return (e as Error).message;
  }
  throw new Error('expected the output to be refused');
}

describe('reading the payload output', () => {
  it('refuses output cut short, of another protocol, malformed, or going on after its end', () => {
    expect(badInputMessage('')).toMatch(/printed nothing/);
    expect(badInputMessage(`${START}\n{"t":"dir","path":"/root"}\n`)).toMatch(/cut short/);
    expect(badInputMessage(START.replace('"protocol":1', '"protocol":2') + `\n${END}\n`)).toMatch(/protocol 2/);
    expect(badInputMessage(`${START}\n{"t":"file","path":"relative","uid":0,"mode":"0644","lines":[]}\n${END}\n`)).toMatch(/line 2/);
    expect(badInputMessage(`${START}\n{"t":"secret","fp":"sha256:0123456789ab","counts":[39],"classChanges":0,"wordLetters":0,"mixedCase":false,"alphabetRun":false,"decodesToText":false}\n${END}\n`)).toMatch(/line 2/);
    expect(badInputMessage(`{"t":"dir","path":"/x"}\n${START}\n${END}\n`)).toMatch(/start record/);
    expect(badInputMessage(`${START}\n${END}\n{"t":"dir","path":"/x"}\n`)).toMatch(/after its end/);
  });

  it('reads a clean host as no findings, with its counters', async () => {
    const result = await findingsFromPayloadOutput(`${START}\n${END}\n`, { hostName: 'i-1' });
    expect(result).toMatchObject({ findings: [], problems: [], root: '/', stats: { files: 0 } });
  });

  it('refuses a placeholder for a secret the output never described', async () => {
    const output = `${START}\n{"t":"file","path":"/etc/environment","uid":0,"mode":"0644","lines":[[1,"AWS_SECRET_ACCESS_KEY=\\u0001abcdefabcdef\\u0001"]]}\n${END}\n`;
    await expect(findingsFromPayloadOutput(output, { hostName: 'i-1' })).rejects.toThrow(/did not describe/);
  });
});

describe('the skeleton root', () => {
  it('writes nothing outside its directory, whatever links and paths the output holds', async () => {
    const outside = makeTempDir('keyshift-outside-');
    const dir = mkdtempSync(join(tmpdir(), 'keyshift-skeleton-test-'));
    const hostile = [
      START,
      // links that lead out, then files and links under them
      JSON.stringify({ t: 'link', path: '/a', target: outside }),
      JSON.stringify({ t: 'link', path: '/a/b', target: '/etc/x' }),
      JSON.stringify({ t: 'link', path: '/c', target: '../../../../..' }),
      JSON.stringify({ t: 'file', path: '/a/planted', uid: 0, mode: '0644', lines: [[1, 'x']] }),
      JSON.stringify({ t: 'file', path: '/c/../../../escape', uid: 0, mode: '0644', lines: [[1, 'x']] }),
      JSON.stringify({ t: 'dir', path: '/../../d' }),
      JSON.stringify({ t: 'special', path: '/a/dev' }),
      END,
    ].join('\n');
    await writeSkeletonRoot(dir, readPayloadOutput(hostile), () => 'x');
    expect(readdirSync(outside)).toEqual([]);
    // what could be written, was written inside
    expect(readFileSync(join(dir, 'escape'), 'utf8')).toBe('x\n');
    expect(lstatSync(join(dir, 'a')).isDirectory()).toBe(true);
    expect(existsSync(join(dir, 'd'))).toBe(true);
  });
});

/** The shape scan-host.sh prints, computed the way its awk does: the test's oracle for the verdict. */
function shapeOf(secret: string): SecretShape {
  const counts = new Map<string, number>();
  for (const c of secret) counts.set(c, (counts.get(c) ?? 0) + 1);
  const cls = (c: string) => (/[A-Z]/.test(c) ? 0 : /[a-z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3);
  let classChanges = 0;
  let previous = 3;
  for (const c of secret) {
    const current = cls(c);
    if (current === 3) classChanges++;
    else if (previous !== 3 && previous !== current) classChanges++;
    previous = current;
  }
  const wordLetters = (secret.match(/[a-z]{3,}/g) ?? []).reduce((n, run) => n + run.length, 0);
  let run = 1;
  let alphabetRun = false;
  for (let i = 1; i < secret.length; i++) {
    run = secret.charCodeAt(i) === secret.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 6) alphabetRun = true;
  }
  const decodesToText = [...Buffer.from(secret, 'base64')].every((b) => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13);
  return { counts: [...counts.values()], classChanges, wordLetters, mixedCase: /[A-Z]/.test(secret) && /[a-z]/.test(secret), alphabetRun, decodesToText };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** 40-character base64 strings of every kind: random, wordy, few distinct characters, runs, text. */
const candidate = fc.oneof(
  fc.array(fc.constantFrom(...BASE64), { minLength: 40, maxLength: 40 }).map((a) => a.join('')),
  fc.tuple(fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), { minLength: 15, maxLength: 30 }), fc.array(fc.constantFrom(...BASE64), { minLength: 40, maxLength: 40 })).map(([w, r]) => (w.join('') + r.join('')).slice(0, 40)),
  fc.tuple(fc.array(fc.constantFrom(...BASE64), { minLength: 2, maxLength: 12 }), fc.array(fc.nat(), { minLength: 40, maxLength: 40 })).map(([alphabet, picks]) => picks.map((p) => alphabet[p % alphabet.length]).join('')),
  fc.string({ unit: 'grapheme-ascii', minLength: 30, maxLength: 30 }).map((t) => Buffer.from(t, 'latin1').toString('base64').slice(0, 40)),
  fc.array(fc.constantFrom(...BASE64), { minLength: 40, maxLength: 40 }).map((a) => `ABCDEFG${a.join('')}`.slice(0, 40)),
).filter((s) => /^[A-Za-z0-9+/]{40}$/.test(s) && !/^[0-9a-fA-F]{40}$/.test(s) && !s.endsWith('EXAMPLEKEY'));

describe('stand-in secrets', () => {
  it('judges a shape as looksRandomEnough judges the secret, under a name and near a key ID', () => {
    fc.assert(
      fc.property(candidate, (secret) => {
        expect(secretVerdict(shapeOf(secret))).toEqual({ named: looksRandomEnough(secret, 'named'), nearby: looksRandomEnough(secret, 'nearby') });
      }),
      { numRuns: 3000 },
    );
  });

  it('makes a stand-in the detector judges as the verdict says: deterministic, one per fingerprint', () => {
    const fps = Array.from({ length: 200 }, (_, i) => secretFingerprint(`secret-${i}`).slice('sha256:'.length));
    for (const verdict of [{ named: true, nearby: true }, { named: true, nearby: false }, { named: false, nearby: false }]) {
      const standIns = fps.map((fp) => surrogateSecret(fp, verdict));
      for (const s of standIns) {
        expect(s).toMatch(/^[A-Za-z0-9+/]{40}$/);
        expect({ named: looksRandomEnough(s, 'named'), nearby: looksRandomEnough(s, 'nearby') }).toEqual(verdict);
      }
      expect(new Set(standIns).size).toBe(fps.length);
      expect(surrogateSecret(fps[0]!, verdict)).toBe(standIns[0]);
    }
  });

  it('gives the same findings as the TypeScript scanner for secrets of every shape, named and near a key ID', async () => {
    const secrets = fc.sample(candidate, 240);
    const named = secrets.slice(0, 120).map((s, i) => `APP_${i}_SECRET_KEY=${s}`);
    // key ID and value in one variable: the detector pairs them when the value is random enough
    const nearby = secrets.slice(120).map((s, i) => `CONN_${i}=${fakeKeyId()}:${s}`);
    const root = new HostRoot()
      .file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n')
      .file('/etc/default/named', `${named.join('\n')}\n`)
      .file('/etc/default/nearby', `${nearby.join('\n')}\n`)
      .file('/etc/default/plain', `AWS_ACCESS_KEY_ID=${fakeKeyId()}\nAWS_SECRET_ACCESS_KEY=${fakeSecret()}\n`).root;
    const viaTs = await scanHost({ root, hostName: 'h', includeProcesses: false, host: new RecordingHost() });
    const output = execFileSync('sh', [PAYLOAD, '--no-processes', root], { encoding: 'utf8' });
    const viaPayload = await findingsFromPayloadOutput(output, { hostName: 'h' });
    expect(viaTs.findings.length).toBeGreaterThan(100);
    expect(viaPayload.findings).toEqual(viaTs.findings);
  });
});

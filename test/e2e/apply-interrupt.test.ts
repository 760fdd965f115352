// Ctrl-C during apply, with the real binary on moto: the call in flight finishes and is
// journaled, no new call starts, the run ends with exit 130 and an `interrupted` end record,
// and `apply --resume` completes the run without doing anything twice.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { foldJournal } from '../../src/apply/journal-state.js';
import { parseJournal } from '../../src/apply/journal-file.js';
import { useApplyFixture } from '../helpers/apply-fixture.js';
import { useMoto } from '../helpers/moto.js';
import { runCli } from '../helpers/run-cli.js';

const moto = useMoto({ resetEach: false });
const fixture = useApplyFixture(moto);

async function journalText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

describe('apply interrupted (SIGINT)', () => {
  it('finishes and records the call in flight, exits 130, and --resume completes without duplicates', async () => {
    const f = fixture();
    const r = await runCli(['apply', f.planPath, '--yes', ...f.executorArgs], {
      env: { ...moto().env, KEYSHIFT_NOW: f.t0.toISOString() },
      timeoutMs: 60_000,
      onSpawn: (child) => {
        // interrupt as soon as the first mutating call has been announced
        const poll = setInterval(() => {
          void journalText(f.journalPath).then((text) => {
            if (text.includes('"type":"intent"')) {
              clearInterval(poll);
              child.kill('SIGINT');
            }
          });
        }, 20);
        child.once('exit', () => clearInterval(poll));
      },
    });
    expect(r.code, r.stderr + r.stdout).toBe(130);
    const state = foldJournal(parseJournal(await journalText(f.journalPath), 'journal').records);
    // every call that started has its result: nothing was cut off mid-call
    expect(state.calls.length).toBeGreaterThan(0);
    expect(state.calls.filter((c) => !c.result)).toEqual([]);
    expect(state.runs.at(-1)).toMatchObject({ command: 'apply', ended: true, outcome: 'interrupted' });
    const interruptedCalls = state.calls.length;

    const resumed = await f.run('apply', f.t0, ['--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(75);
    const after = foldJournal(parseJournal(await journalText(f.journalPath), 'journal').records);
    // no create was sent twice
    const creates = after.calls.filter((c) => c.api.startsWith('iam:Create') && c.result?.ok).map((c) => `${c.api} ${c.target}`);
    expect(new Set(creates).size).toBe(creates.length);
    expect(after.calls.length).toBeGreaterThan(interruptedCalls);
  }, 120_000);
});

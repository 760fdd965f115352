// The journal on disk: records flushed in order, a torn last line (a crash mid-write) tolerated
// and ended before the next run appends, anything else malformed refused as bad input.
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultJournalPath, JournalWriter, parseJournal, readJournal } from '../../../src/apply/journal-file.js';
import { JournalSession } from '../../../src/apply/journal-session.js';
import { foldJournal, isFinished } from '../../../src/apply/journal-state.js';
import { isKeyshiftError } from '../../../src/errors.js';

const header = {
  type: 'header',
  kind: 'journal',
  version: 1,
  account: '123456789012',
  asOf: '2026-01-01T00:00:00.000Z',
  generator: { name: 'keyshift', version: '0.0.0' },
  planId: 'plan-0123456789abcdef',
  plan: { path: 'plan.json', sha256: 'abc' },
} as const;

async function journalDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'keyshift-journal-'));
}

describe('the journal file', () => {
  it('names the journal after the plan', () => {
    expect(defaultJournalPath('/x/plan.json')).toBe('/x/plan.journal.ndjson');
    expect(defaultJournalPath('prod-plan')).toBe('prod-plan.journal.ndjson');
  });

  it('journals an intent before and a result after each call, and folds them back', async () => {
    const path = join(await journalDir(), 'j.ndjson');
    const writer = await JournalWriter.open(path);
    await writer.append(header);
    const clock = () => new Date('2026-01-02T00:00:00.000Z');
    const session = new JournalSession(writer, 1, clock, new AbortController().signal);
    await session.start('apply', {}, { arn: 'arn:aws:iam::123456789012:user/op', accessKeyId: 'AKIAOPERATOR' });
    const mutate = session.mutator({ stepId: 'w/create-role/r', workload: 'w' });
    let onDiskBeforeSend = '';
    await mutate({ api: 'iam:CreateRole', region: null, target: 'arn:aws:iam::123456789012:role/r', args: { roleName: 'r' } }, async () => {
      onDiskBeforeSend = await readFile(path, 'utf8');
      return { Role: { Arn: 'arn:aws:iam::123456789012:role/r' } };
    }, (r) => ({ roleArn: r.Role.Arn }));
    await expect(
      mutate({ api: 'iam:CreatePolicy', region: null, target: 'p', args: {} }, async () => {
        throw Object.assign(new Error('nope'), { name: 'MalformedPolicyDocument' });
      }),
    ).rejects.toThrow('nope');
    await session.step({ stepId: 'w/create-role/r', workload: 'w', stage: 'attach', status: 'done', message: 'created', output: { roleArn: 'x' }, until: null });
    await session.end('apply', 'done', 'ok');
    await writer.close();

    // the intent was on disk before the call was sent
    expect(onDiskBeforeSend).toContain('"type":"intent"');
    expect(onDiskBeforeSend).not.toContain('"type":"result"');
    const { records } = await readJournal(path);
    const state = foldJournal(records);
    expect(state.calls.map((c) => [c.seq, c.api, c.result?.ok])).toEqual([
      [1, 'iam:CreateRole', true],
      [2, 'iam:CreatePolicy', false],
    ]);
    expect(state.calls[0]!.result?.output).toEqual({ roleArn: 'arn:aws:iam::123456789012:role/r' });
    expect(state.calls[1]!.resultRecord?.error?.code).toBe('MalformedPolicyDocument');
    expect(isFinished(state, 'w/create-role/r')).toBe(true);
    expect(state.nextSeq).toBe(3);
    expect(state.runs).toEqual([expect.objectContaining({ command: 'apply', ended: true, outcome: 'done' })]);
  });

  it('tolerates a torn last line, ends it before appending, and still refuses garbage in the middle', async () => {
    const path = join(await journalDir(), 'j.ndjson');
    const intent = { type: 'intent', runId: 'r1', at: '2026-01-02T00:00:00.000Z', seq: 1, stepId: 's', workload: 'w', api: 'iam:CreateRole', region: null, target: 't', args: {}, undoOf: null };
    await writeFile(path, `${JSON.stringify(header)}\n${JSON.stringify(intent)}\n{"type":"result","runId":"r1","at":"2026`);
    const torn = await readJournal(path);
    expect(torn.tornTail).toBe(true);
    expect(foldJournal(torn.records).calls[0]!.result).toBeUndefined();

    const writer = await JournalWriter.open(path);
    await writer.append({ type: 'run', runId: 'r2', at: '2026-01-03T00:00:00.000Z', command: 'apply', options: {}, identity: { arn: 'a', accessKeyId: null } });
    await writer.close();
    const resumed = await readJournal(path);
    expect(resumed.records.map((r) => r.type)).toEqual(['header', 'intent', 'run']);

    await appendFile(path, 'not json\n{"type":"end"}\n');
    await expect(readJournal(path)).rejects.toSatisfy((e) => isKeyshiftError(e) && e.kind === 'bad-input' && /line 5/.test(e.message));
  });

  it('refuses a document that is not a journal, and a newer journal, with what it is', () => {
    expect(() => parseJournal('{"kind":"plan","version":1}\n', 'p.json')).toThrow('p.json is a plan document, not a journal');
    expect(() => parseJournal(`${JSON.stringify({ ...header, version: 9 })}\n`, 'j')).toThrow('newer than this keyshift reads');
    expect(() => parseJournal('', 'empty')).toThrow('no journal header');
  });

  it('sends nothing new once interrupted', async () => {
    const path = join(await journalDir(), 'j.ndjson');
    const writer = await JournalWriter.open(path);
    await writer.append(header);
    const controller = new AbortController();
    const session = new JournalSession(writer, 1, () => new Date(), controller.signal);
    controller.abort();
    let sent = false;
    await expect(session.mutator({ stepId: null, workload: null })({ api: 'iam:CreateRole', region: null, target: 't', args: {} }, async () => (sent = true))).rejects.toThrow('interrupted');
    await writer.close();
    expect(sent).toBe(false);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});

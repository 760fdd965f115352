import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NdjsonHost } from '../../../cli/io/ndjson-host.js';
import { PlainHost } from '../../../cli/io/plain-host.js';
import type { Streams } from '../../../cli/io/streams.js';

function streams(): Streams & { err: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  return { stdin: new PassThrough(), stdout: new PassThrough(), stderr, err: () => text };
}

describe('PlainHost', () => {
  it('writes phases and warnings, throttles progress per phase, and never prints findings', () => {
    const s = streams();
    let now = 0;
    const host = new PlainHost(s, { quiet: false, interactive: false, progressIntervalMs: 1000, now: () => now });
    host.notify({ type: 'phase', phase: 'scan', message: 'scanning working tree' });
    host.notify({ type: 'progress', phase: 'worktree', done: 1, unit: 'files', bytes: 10 });
    now = 500;
    host.notify({ type: 'progress', phase: 'worktree', done: 2, unit: 'files', bytes: 20 });
    host.notify({ type: 'progress', phase: 'history', done: 5, unit: 'blobs' });
    now = 1500;
    host.notify({ type: 'progress', phase: 'worktree', done: 3, unit: 'files', bytes: 30 });
    host.notify({ type: 'warning', code: 'not-utf8', message: 'a.txt is not UTF-8' });
    expect(s.err().split('\n').filter(Boolean)).toEqual([
      'keyshift: scanning working tree',
      'keyshift: worktree: 1 files, 10 B',
      'keyshift: history: 5 blobs',
      'keyshift: worktree: 3 files, 30 B',
      'keyshift: warning: a.txt is not UTF-8',
    ]);
  });

  it('--quiet silences progress and warnings; questions take their default without a terminal', async () => {
    const s = streams();
    const host = new PlainHost(s, { quiet: true, interactive: false });
    host.notify({ type: 'progress', phase: 'worktree', done: 1, unit: 'files' });
    host.notify({ type: 'warning', code: 'x', message: 'y' });
    expect(s.err()).toBe('');
    await expect(host.confirm({ id: 'go', message: 'Go?', default: false })).resolves.toBe(false);
  });
});

describe('NdjsonHost', () => {
  it('writes one JSON object per event on stderr', () => {
    const s = streams();
    const host = new NdjsonHost(s, { quiet: false, interactive: false });
    host.notify({ type: 'progress', phase: 'history', done: 3, unit: 'blobs', bytes: 99 });
    host.notify({ type: 'warning', code: 'not-utf8', message: 'm' });
    const lines = s.err().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'progress', phase: 'history', done: 3, bytes: 99 });
    expect(lines[1]).toMatchObject({ type: 'warning', code: 'not-utf8' });
    expect(typeof lines[0]!.time).toBe('string');
  });
});

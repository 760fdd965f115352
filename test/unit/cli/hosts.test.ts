import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NdjsonHost } from '../../../cli/io/ndjson-host.js';
import { PlainHost } from '../../../cli/io/plain-host.js';
import type { Streams } from '../../../cli/io/streams.js';
import type { IoEvent } from '../../../src/io/host.js';

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

describe('PlainHost: apply step events', () => {
  const lines = (s: { err: () => string }) => s.err().split('\n').filter(Boolean);

  it('prints one line per step that ended, with its workload, stage, kind and what it waits for', () => {
    const s = streams();
    const host = new PlainHost(s, { quiet: false, interactive: false });
    host.notify({ type: 'apply-scope', workloads: [{ id: 'w-web', name: 'web', steps: 4, finished: 0 }] });
    host.notify({ type: 'step', step: 'w-web/attach/role', status: 'started', message: 'create role keyshift-web', workload: 'w-web', stage: 'attach', kind: 'create-role' });
    host.notify({ type: 'step', step: 'w-web/attach/role', status: 'done', message: 'created role keyshift-web', workload: 'w-web', stage: 'attach', kind: 'create-role' });
    host.notify({ type: 'step', step: 'w-web/verify/soak', status: 'waiting', message: 'soak: no use of AKIAEXAMPLE for 24h', workload: 'w-web', stage: 'verify', kind: 'soak', until: '2031-05-02T10:00:00.000Z' });
    host.notify({ type: 'step', step: 'w-web/cutover/env', status: 'blocked', message: 'drift: /etc/app.env changed', workload: 'w-web', stage: 'cutover', kind: 'swap-env-file' });
    expect(lines(s)).toEqual([
      'keyshift: [w-web] attach create-role done: created role keyshift-web',
      'keyshift: [w-web] verify soak waiting: soak: no use of AKIAEXAMPLE for 24h (until 2031-05-02T10:00:00.000Z)',
      'keyshift: [w-web] cutover swap-env-file blocked: drift: /etc/app.env changed',
    ]);
  });

  it('indents the commands of a paused step under it', () => {
    const s = streams();
    const host = new PlainHost(s, { quiet: false, interactive: false });
    host.notify({
      type: 'step',
      step: 'w-db/cutover/env',
      status: 'paused',
      message: 'no SSM on i-0abc: run these on the host, then apply --mark-done w-db/cutover/env',
      workload: 'w-db',
      stage: 'cutover',
      kind: 'swap-env-file',
      commands: ['sudo sed -i /AWS_ACCESS_KEY_ID/d /etc/app.env', 'sudo systemctl restart app'],
    });
    expect(lines(s)).toEqual([
      'keyshift: [w-db] cutover swap-env-file paused: no SSM on i-0abc: run these on the host, then apply --mark-done w-db/cutover/env',
      'keyshift:     $ sudo sed -i /AWS_ACCESS_KEY_ID/d /etc/app.env',
      'keyshift:     $ sudo systemctl restart app',
    ]);
  });

  it('prints starts only when verbose, steps without a workload as before, and nothing when quiet', () => {
    const started = { type: 'step', step: 'w-web/attach/role', status: 'started', message: 'create role keyshift-web', workload: 'w-web', stage: 'attach', kind: 'create-role' } as const;
    const verbose = streams();
    new PlainHost(verbose, { quiet: false, interactive: false, verbose: true }).notify(started);
    expect(lines(verbose)).toEqual(['keyshift: [w-web] attach create-role started: create role keyshift-web']);

    const plain = streams();
    const host = new PlainHost(plain, { quiet: false, interactive: false });
    host.notify({ type: 'step', step: 'undo #4', status: 'undone', message: 'deleted role keyshift-web' });
    host.notify({ type: 'step', step: 'AKIAEXAMPLE', status: 'waiting', message: 'quiet period', until: '2031-05-02T10:00:00.000Z' });
    expect(lines(plain)).toEqual(['keyshift: undo #4 undone: deleted role keyshift-web', 'keyshift: AKIAEXAMPLE waiting: quiet period (until 2031-05-02T10:00:00.000Z)']);

    const quiet = streams();
    const q = new PlainHost(quiet, { quiet: true, interactive: false, verbose: true });
    q.notify(started);
    q.notify({ ...started, status: 'failed', message: 'AccessDenied: iam:CreateRole' });
    q.notify({ type: 'apply-scope', workloads: [{ id: 'w-web', name: 'web', steps: 4, finished: 0 }] });
    expect(quiet.err()).toBe('');
  });
});

describe('NdjsonHost: apply events', () => {
  it('passes apply-scope and step events through unchanged, also when quiet', () => {
    const s = streams();
    const host = new NdjsonHost(s, { quiet: true, interactive: false });
    const scope: IoEvent = { type: 'apply-scope', workloads: [{ id: 'w-web', name: 'web', steps: 4, finished: 1 }] };
    const step: IoEvent = { type: 'step', step: 'w-web/verify/soak', status: 'waiting', message: 'soak', workload: 'w-web', stage: 'verify', kind: 'soak', until: '2031-05-02T10:00:00.000Z' };
    host.notify(scope);
    host.notify(step);
    host.notify({ type: 'phase', phase: 'drift', message: 'dropped when quiet' });
    const events = s.err().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toHaveLength(2);
    const [first, second] = events.map(({ time, ...rest }) => {
      expect(typeof time).toBe('string');
      return rest;
    });
    expect(first).toEqual(scope);
    expect(second).toEqual(step);
  });
});

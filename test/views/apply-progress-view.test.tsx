import { PassThrough } from 'node:stream';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { InkHost } from '../../cli/io/ink-host.js';
import { ApplyProgressView, formatUntil, type ApplyProgressState, type WorkloadProgress } from '../../cli/views/apply-progress-view.js';

const NOW = Date.parse('2031-05-01T08:00:00.000Z');

function workload(id: string, over: Partial<WorkloadProgress> = {}): WorkloadProgress {
  return { id, name: id, steps: 8, finished: 0, inFlight: [], notes: [], ...over };
}

function state(workloads: WorkloadProgress[]): ApplyProgressState {
  return { phase: '', workloads, warnings: [], startedAt: NOW - 65_000, now: NOW };
}

/** The frame's line that holds `text`. */
function lineWith(frame: string, text: string): string {
  const line = frame.split('\n').find((l) => l.includes(text));
  expect(line, `no line with ${text} in\n${frame}`).toBeDefined();
  return line!;
}

describe('ApplyProgressView', () => {
  it('shows each stage with its mark, finished/total steps, the step in flight, and totals with elapsed time', () => {
    const { lastFrame } = render(
      <ApplyProgressView
        state={state([
          workload('w-web', { name: 'web', steps: 12, finished: 5, stage: 'cutover', inFlight: [{ step: 's6', stage: 'cutover', kind: 'swap-env-file', message: 'replace the key in /etc/app.env on i-0abc' }] }),
          workload('w-old', { name: 'old', steps: 4, finished: 4, stage: 'deactivate' }),
        ])}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(lineWith(frame, 'keyshift apply')).toContain('keyshift apply 1m 05s  9/16 steps done, 1 in flight  2 workloads: 1 running, 1 done');
    const web = lineWith(frame, 'web (w-web)');
    expect(web).toContain('5/12');
    expect(web).toContain('attach ✔  cutover ▸  verify ·  deactivate ·  running');
    expect(frame).toContain('▸ cutover swap-env-file: replace the key in /etc/app.env on i-0abc');
    expect(lineWith(frame, 'old (w-old)')).toContain('4/4  attach ✔  cutover ✔  verify ✔  deactivate ✔  done');
  });

  it('shows what a waiting step waits for and until when, a blocked reason, and a paused step with its commands', () => {
    const { lastFrame } = render(
      <ApplyProgressView
        state={state([
          workload('w-soak', { steps: 6, finished: 4, stage: 'verify', notes: [{ step: 's5', stage: 'verify', kind: 'soak', status: 'waiting', message: 'no use of AKIAEXAMPLE for 24h', until: '2031-05-01T10:30:00.000Z' }] }),
          workload('w-drift', { steps: 6, finished: 1, stage: 'attach', notes: [{ step: 's2', stage: 'attach', kind: 'put-role-policy', status: 'blocked', message: 'drift: policy keyshift-app changed since the plan' }] }),
          workload('w-manual', {
            steps: 6,
            finished: 2,
            stage: 'cutover',
            notes: [{ step: 's3', stage: 'cutover', kind: 'swap-env-file', status: 'paused', message: 'no SSM on i-0def: run on the host', commands: ['sudo systemctl restart app'] }],
          }),
        ])}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(lineWith(frame, 'w-soak')).toContain('attach ✔  cutover ✔  verify ⏸  deactivate ·  waiting');
    expect(frame).toContain('waiting verify soak: no use of AKIAEXAMPLE for 24h (until 2031-05-01 10:30 UTC, in 2h 30m)');
    expect(lineWith(frame, 'w-drift')).toContain('attach ✖  cutover ·  verify ·  deactivate ·  blocked');
    expect(frame).toContain('blocked attach put-role-policy: drift: policy keyshift-app changed since the plan');
    expect(lineWith(frame, 'w-manual')).toContain('cutover ⏸');
    expect(frame).toContain('paused cutover swap-env-file: no SSM on i-0def: run on the host');
    expect(frame).toContain('      $ sudo systemctl restart app');
  });

  it('keeps many workloads compact: blocked, paused and waiting ones first, the rest summed up as "and N more"', () => {
    const many = Array.from({ length: 30 }, (_, i) => workload(`w-${String(i).padStart(2, '0')}`, { finished: 8, stage: 'deactivate' }));
    many[20] = workload('w-20', { finished: 3, stage: 'verify', notes: [{ step: 'x', stage: 'verify', status: 'waiting', message: 'soak' }] });
    many[25] = workload('w-25', { finished: 1, stage: 'attach', notes: [{ step: 'y', stage: 'attach', status: 'blocked', message: 'drift' }] });
    many[28] = workload('w-28', { finished: 0 });
    const { lastFrame } = render(<ApplyProgressView state={state(many)} maxRows={5} />);
    const rows = (lastFrame() ?? '').split('\n').filter((l) => /^ {2}w-\d\d/.test(l));
    expect(rows.map((l) => l.trim().split(' ')[0])).toEqual(['w-25', 'w-20', 'w-28', 'w-00', 'w-01']);
    expect(lastFrame()).toContain('and 25 more: 25 done');
    expect(lastFrame()).toContain('30 workloads: 1 blocked, 1 waiting, 1 pending, 27 done');
  });

  it('formats until as UTC with the time left, and keeps text that is not a time', () => {
    expect(formatUntil('2031-05-01T07:00:00.000Z', NOW)).toBe('2031-05-01 07:00 UTC, due now');
    expect(formatUntil('2031-05-03T09:00:00.000Z', NOW)).toBe('2031-05-03 09:00 UTC, in 49h 00m');
    expect(formatUntil('after the next deploy', NOW)).toBe('after the next deploy');
  });
});

describe('InkHost with apply events', () => {
  function terminal() {
    const stderr = Object.assign(new PassThrough(), { columns: 120, rows: 40, isTTY: false });
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    return { streams: { stdin: new PassThrough(), stdout: new PassThrough(), stderr }, text: () => text };
  }

  it('switches to the apply view at apply-scope and follows the step events to the final frame', () => {
    const t = terminal();
    const host = new InkHost(t.streams);
    host.notify({ type: 'phase', phase: 'summary', message: 'apply 2 workloads' });
    host.notify({ type: 'apply-scope', workloads: [{ id: 'w-web', name: 'web', steps: 3, finished: 1 }, { id: 'w-db', name: 'db', steps: 2, finished: 0 }] });
    const step = { type: 'step', workload: 'w-web', stage: 'cutover', kind: 'swap-env-file', step: 'w-web/cutover/env' } as const;
    host.notify({ ...step, status: 'started', message: 'replace the key in /etc/app.env' });
    host.notify({ ...step, status: 'done', message: 'replaced' });
    host.notify({ type: 'step', workload: 'w-web', stage: 'verify', kind: 'soak', step: 'w-web/verify/soak', status: 'started', message: 'soak for 24h' });
    host.notify({ type: 'step', workload: 'w-db', stage: 'attach', kind: 'create-role', step: 'w-db/attach/role', status: 'started', message: 'create role' });
    host.notify({ type: 'step', workload: 'w-db', stage: 'attach', kind: 'create-role', step: 'w-db/attach/role', status: 'failed', message: 'AccessDenied: iam:CreateRole' });
    host.close(); // before the first redraw: close still draws the final state
    const out = t.text();
    expect(out).toContain('2/5 steps done, 1 in flight  2 workloads: 1 failed, 1 running');
    expect(lineWith(out, 'web (w-web)')).toContain('2/3  attach ✔  cutover ✔  verify ▸  deactivate ·  running');
    expect(out).toContain('▸ verify soak: soak for 24h');
    expect(lineWith(out, 'db (w-db)')).toContain('0/2  attach ✖');
    expect(out).toContain('failed attach create-role: AccessDenied: iam:CreateRole');
  });

  it('without apply-scope keeps the phase view, where a step without workload sets the phase', () => {
    const t = terminal();
    const host = new InkHost(t.streams);
    host.notify({ type: 'step', step: 'undo #3', status: 'undone', message: 'deleted role keyshift-web' });
    host.close();
    expect(t.text()).toContain('undo #3: deleted role keyshift-web');
    expect(t.text()).not.toContain('keyshift apply');
  });
});

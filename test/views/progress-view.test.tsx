import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ProgressView } from '../../cli/views/progress-view.js';

describe('ProgressView', () => {
  it('shows the phase, per-phase progress, findings and warnings', () => {
    const { lastFrame } = render(
      <ProgressView
        state={{
          phase: 'scanning working tree and git history',
          progress: [
            { type: 'progress', phase: 'worktree', done: 120, unit: 'files', bytes: 2048 },
            { type: 'progress', phase: 'history', done: 7, total: 10, unit: 'blobs' },
          ],
          findings: 3,
          warnings: ['not-utf8: a.txt'],
          startedAt: 0,
          now: 1500,
        }}
      />,
    );
    const frame = lastFrame() ?? '';
    expect(frame).toContain('scanning working tree and git history');
    expect(frame).toContain('(1.5s)');
    expect(frame).toContain('worktree: 120 files, 2.0 KiB');
    expect(frame).toContain('history: 7/10 blobs');
    expect(frame).toContain('findings so far: 3');
    expect(frame).toContain('warning: not-utf8: a.txt');
  });
});

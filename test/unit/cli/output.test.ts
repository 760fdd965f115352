import { mkdtemp, readFile, symlink, writeFile, lstat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeResult } from '../../../cli/output.js';

const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };

describe('writeResult --output', () => {
  it('replaces a regular file, and writes through a symlink without replacing the link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-out-'));
    await writeFile(join(dir, 'report.json'), 'old');
    await symlink(join(dir, 'report.json'), join(dir, 'link.json'));
    await writeResult('new\n', join(dir, 'link.json'), streams);
    expect(await readFile(join(dir, 'report.json'), 'utf8')).toBe('new\n');
    expect((await lstat(join(dir, 'link.json'))).isSymbolicLink()).toBe(true);
  });

  it('writes into a FIFO in place instead of renaming a file over it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-out-'));
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reading = readFile(fifo, 'utf8');
    await writeResult('through the pipe\n', fifo, streams);
    expect(await reading).toBe('through the pipe\n');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('a directory that does not exist is bad input', async () => {
    await expect(writeResult('x', '/nonexistent/dir/report.json', streams)).rejects.toMatchObject({ kind: 'bad-input' });
  });
});

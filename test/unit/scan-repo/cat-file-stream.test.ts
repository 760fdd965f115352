// The cat-file batch parser, fed real `git cat-file --batch` output split at every possible
// chunk boundary: bodies that span chunks arrive whole, skipped bodies are never delivered,
// and a body inside one chunk is not copied.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CatFileBatchParser, type BatchHeader } from '../../../src/scan/repo/cat-file-stream.js';
import { GitRepo, gitEnv, removeTempDirs } from '../../helpers/git-repo.js';

afterAll(removeTempDirs);

interface Seen {
  headers: BatchHeader[];
  bodies: Map<string, string>;
  missing: string[];
}

function parse(chunks: Buffer[], want: (h: BatchHeader) => boolean): Seen {
  const seen: Seen = { headers: [], bodies: new Map(), missing: [] };
  const parser = new CatFileBatchParser({
    onHeader(h) {
      seen.headers.push(h);
      return want(h);
    },
    onBody(h, body) {
      seen.bodies.set(h.id, body.toString('utf8'));
    },
    onMissing(name) {
      seen.missing.push(name);
    },
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return seen;
}

describe('CatFileBatchParser', () => {
  const repo = GitRepo.init();
  const files = { 'a.txt': 'alpha\n', 'empty.txt': '', 'dir/b.txt': 'b'.repeat(300) + '\n', 'no-newline.txt': 'tail' };
  repo.commit('files', files);
  const input = `${repo.git('rev-list', '--objects', '--all')}\n${'0'.repeat(40)} ghost\n`;
  const output = execFileSync('git', ['cat-file', '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)'], {
    cwd: repo.dir,
    env: gitEnv(),
    input,
  });

  it('reads every object, blob bodies whole, at every chunk boundary', () => {
    const expected = parse([output], () => true);
    expect(expected.missing).toEqual(['0'.repeat(40)]);
    const blobs = expected.headers.filter((h) => h.type === 'blob');
    expect(blobs.map((h) => h.rest).sort()).toEqual(Object.keys(files).sort());
    for (const h of blobs) expect(expected.bodies.get(h.id)).toBe(files[h.rest as keyof typeof files]);

    for (let cut = 1; cut < output.length; cut++) {
      const split = parse([output.subarray(0, cut), output.subarray(cut)], () => true);
      expect(split.bodies).toEqual(expected.bodies);
      expect(split.headers).toEqual(expected.headers);
    }
    const byteByByte = parse([...output].map((b) => Buffer.from([b])), () => true);
    expect(byteByByte.bodies).toEqual(expected.bodies);
  });

  it('skips the bodies it is told to skip, however they are split', () => {
    for (let cut = 1; cut < output.length; cut += 7) {
      const seen = parse([output.subarray(0, cut), output.subarray(cut)], (h) => h.type === 'blob' && h.size < 100);
      expect([...seen.bodies.values()].sort()).toEqual(['', 'alpha\n', 'tail']);
    }
  });

  it('hands over a body that lies in one chunk as a view of it, without copying', () => {
    let shared = false;
    const parser = new CatFileBatchParser({
      onHeader: () => true,
      onBody(_h, body) {
        if (body.length > 0) shared ||= body.buffer === output.buffer;
      },
    });
    parser.push(output);
    expect(shared).toBe(true);
  });

  it('fails on output that stops inside an object', () => {
    const parser = new CatFileBatchParser({ onHeader: () => true, onBody() {} });
    parser.push(output.subarray(0, output.indexOf('alpha')));
    expect(() => parser.end()).toThrow(/ended inside an object/);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { FINDINGS_VERSION, FindingsDocument } from '../../../src/model/findings-document.js';
import { parseDocument, readDocument } from '../../../src/model/read-document.js';
import { Location } from '../../../src/model/location.js';

const spec = { kind: 'findings' as const, version: FINDINGS_VERSION, schema: FindingsDocument };

const valid = {
  kind: 'findings',
  version: 1,
  account: null,
  asOf: '2026-11-23T10:00:00.000Z',
  generator: { name: 'keyshift', version: '0.1.0' },
  scan: { target: 'repo', roots: ['/src/app'], history: false, maxFileSize: 1048576 },
  stats: { files: 1, bytes: 10, blobs: 0, skipped: { binary: 0, tooLarge: 0, symlinks: 0, unreadable: 0 }, suppressed: { inline: 0, ignoreFile: 0, baseline: 0 } },
  problems: [],
  findings: [],
};

function badInputMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyshiftError);
    expect((e as KeyshiftError).kind).toBe('bad-input');
    return (e as Error).message;
  }
  throw new Error('expected a bad-input error');
}

describe('reading documents', () => {
  it('accepts a valid findings document', () => {
    expect(parseDocument(JSON.stringify(valid), spec, 'f.json').findings).toEqual([]);
  });

  it('names the kind it got when the kind is wrong', () => {
    expect(badInputMessage(() => parseDocument(JSON.stringify({ ...valid, kind: 'inventory' }), spec, 'inv.json'))).toBe(
      'inv.json is a inventory document, not a findings document',
    );
  });

  it('refuses a newer version and says which', () => {
    const msg = badInputMessage(() => parseDocument(JSON.stringify({ ...valid, version: 2 }), spec, 'f.json'));
    expect(msg).toContain('version 2');
    expect(msg).toContain('(1)');
  });

  it('reports invalid JSON, non-objects and schema violations with the path', () => {
    expect(badInputMessage(() => parseDocument('{', spec, 'f.json'))).toContain('not valid JSON');
    expect(badInputMessage(() => parseDocument('[]', spec, 'f.json'))).toContain('not a keyshift document');
    expect(badInputMessage(() => parseDocument(JSON.stringify({ ...valid, asOf: 'yesterday' }), spec, 'f.json'))).toContain('at asOf');
  });

  it('reports a missing file as bad input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-doc-'));
    await expect(readDocument(join(dir, 'nope.json'), spec)).rejects.toMatchObject({ kind: 'bad-input', message: expect.stringContaining('ENOENT') });
    await writeFile(join(dir, 'ok.json'), JSON.stringify(valid));
    await expect(readDocument(join(dir, 'ok.json'), spec)).resolves.toMatchObject({ kind: 'findings' });
  });
});

describe('Location covers every place a credential lives', () => {
  it.each([
    { type: 'repository', root: '/r', path: 'a/.env', line: 2, column: 1, inWorkingTree: true },
    { type: 'host-file', host: 'i-0abc', path: '/home/app/.aws/credentials', format: 'aws-credentials', section: 'default', variable: 'aws_access_key_id', owner: 'app', mode: '0600', line: 2 },
    { type: 'process-env', host: 'i-0abc', pid: 4242, command: 'node server.js', user: 'app', variable: 'AWS_ACCESS_KEY_ID' },
    { type: 'service-env', host: 'i-0abc', manager: 'systemd', unit: 'orders.service', file: '/etc/systemd/system/orders.service', variable: 'AWS_ACCESS_KEY_ID' },
    { type: 'service-env', host: 'i-0abc', manager: 'compose', unit: 'worker', file: '/srv/docker-compose.yml', variable: 'AWS_SECRET_ACCESS_KEY' },
    { type: 'user-data', instanceId: 'i-0abc', region: 'eu-west-1', part: 1, contentType: 'text/x-shellscript', line: 4 },
    { type: 'launch-template', launchTemplateId: 'lt-0abc', launchTemplateName: 'web', version: 3, region: 'eu-west-1', part: 0 },
    { type: 'launch-configuration', name: 'web-lc', region: 'eu-west-1', part: 0 },
  ])('$type', (loc) => {
    expect(Location.parse(loc)).toEqual(loc);
  });

  it('rejects a location of unknown type or a bad file mode', () => {
    expect(Location.safeParse({ type: 'clipboard' }).success).toBe(false);
    expect(Location.safeParse({ type: 'host-file', host: 'h', path: '/p', format: 'ini', mode: '777' }).success).toBe(false);
  });
});

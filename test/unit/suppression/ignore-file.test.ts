import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findingFingerprint } from '../../../src/detect/fingerprint.js';
import { KeyshiftError } from '../../../src/errors.js';
import type { Finding } from '../../../src/model/finding.js';
import { DEFAULT_IGNORE_FILE, loadIgnoreFile, parseIgnoreRules } from '../../../src/scan/suppression/ignore-file.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

function repoFinding(path: string, keyId = fakeKeyId()): Finding {
  return {
    fingerprint: findingFingerprint('aws-access-key-id', keyId, path),
    rule: 'aws-access-key-id',
    severity: 'high',
    keyId,
    keyKind: 'long-term',
    location: { type: 'repository', root: '/repo', path, line: 1, column: 1, inWorkingTree: true },
  };
}

describe('parseIgnoreRules', () => {
  it('skips comments and blank lines, and reads fingerprints with an optional reason', () => {
    const a = repoFinding('a.env');
    const b = repoFinding('b.env');
    const rules = parseIgnoreRules(
      ['# keys in the test fixtures', '', `   ${a.fingerprint}   `, `${b.fingerprint.toUpperCase().replace('KS1', 'ks1')}  # rotated 2024-03`, '\t'].join('\n'),
    );
    expect([...rules.fingerprints].sort()).toEqual([a.fingerprint, b.fingerprint].sort());
    expect(rules.patterns).toEqual([]);
    expect(rules.ignoresFinding(a)).toBe(true);
    expect(rules.ignoresFinding(b)).toBe(true);
    expect(rules.ignoresFinding(repoFinding('c.env'))).toBe(false);
  });

  it('rejects a malformed fingerprint as bad input naming the line', () => {
    expect(() => parseIgnoreRules('# ok\nks1:1234', 'my.ignore')).toThrow(KeyshiftError);
    try {
      parseIgnoreRules('# ok\nks1:1234', 'my.ignore');
    } catch (e) {
      expect((e as KeyshiftError).kind).toBe('bad-input');
      expect((e as KeyshiftError).message).toContain('my.ignore line 2');
    }
  });

  it('matches a pattern without a slash against the name at any depth, dotfiles included', () => {
    const rules = parseIgnoreRules('*.example\n.env.test\n');
    expect(rules.ignoresPath('config.example')).toBe(true);
    expect(rules.ignoresPath('deep/down/config.example')).toBe(true);
    expect(rules.ignoresPath('.env.test')).toBe(true);
    expect(rules.ignoresPath('app/.env.test')).toBe(true);
    expect(rules.ignoresPath('.hidden/x.example')).toBe(true);
    expect(rules.ignoresPath('config.example.ts')).toBe(false);
    expect(rules.ignoresPath('app/.env')).toBe(false);
  });

  it('anchors a pattern with a slash at the root', () => {
    const rules = parseIgnoreRules('docs/*.md\n/build.log\ntest/**/fixtures/*.json\n');
    expect(rules.ignoresPath('docs/setup.md')).toBe(true);
    expect(rules.ignoresPath('docs/deep/setup.md')).toBe(false);
    expect(rules.ignoresPath('other/docs/setup.md')).toBe(false);
    expect(rules.ignoresPath('build.log')).toBe(true);
    expect(rules.ignoresPath('sub/build.log')).toBe(false);
    expect(rules.ignoresPath('test/fixtures/keys.json')).toBe(true);
    expect(rules.ignoresPath('test/unit/aws/fixtures/keys.json')).toBe(true);
    expect(rules.ignoresPath('src/fixtures/keys.json')).toBe(false);
  });

  it('takes everything under a directory matched by a trailing-slash pattern, but not a file of that name', () => {
    const rules = parseIgnoreRules('vendor/\nsecrets/fixtures/\n');
    expect(rules.ignoresPath('vendor/lib/aws.js')).toBe(true);
    expect(rules.ignoresPath('packages/a/vendor/x.env')).toBe(true);
    expect(rules.ignoresPath('vendor/')).toBe(true);
    expect(rules.ignoresPath('vendor')).toBe(false); // a file called vendor
    expect(rules.ignoresPath('secrets/fixtures/a/b.env')).toBe(true);
    expect(rules.ignoresPath('secrets/real.env')).toBe(false);
    expect(rules.ignoresPath('x/secrets/fixtures/a.env')).toBe(false);
  });

  it('takes everything under a directory matched by a plain pattern too', () => {
    const rules = parseIgnoreRules('node_modules\n');
    expect(rules.ignoresPath('node_modules/aws-sdk/README.md')).toBe(true);
    expect(rules.ignoresPath('web/node_modules/x/y.js')).toBe(true);
  });

  it('re-includes with !, except inside an excluded directory (as git does)', () => {
    const rules = parseIgnoreRules('*.env\n!prod.env\nfixtures/\n!fixtures/keep.env\n');
    expect(rules.ignoresPath('dev.env')).toBe(true);
    expect(rules.ignoresPath('prod.env')).toBe(false);
    expect(rules.ignoresPath('app/prod.env')).toBe(false);
    expect(rules.ignoresPath('fixtures/keep.env')).toBe(true);
    expect(rules.patterns).toEqual(['*.env', '!prod.env', 'fixtures/', '!fixtures/keep.env']);
  });

  it('reads \\# and \\! as literal characters, and a lone ! never means "everything else"', () => {
    const rules = parseIgnoreRules('\\#notes.txt\n\\!important.env\n!\n');
    expect(rules.ignoresPath('#notes.txt')).toBe(true);
    expect(rules.ignoresPath('!important.env')).toBe(true);
    expect(rules.ignoresPath('anything.else')).toBe(false);
  });

  it('accepts a leading ./ in the asked path', () => {
    const rules = parseIgnoreRules('docs/\n');
    expect(rules.ignoresPath('./docs/a.md')).toBe(true);
    expect(rules.ignoresPath('docs\\a.md')).toBe(false); // a POSIX file name with a backslash
  });

  it('ignores findings by path only for repository locations', () => {
    const rules = parseIgnoreRules('credentials\n');
    expect(rules.ignoresFinding(repoFinding('home/.aws/credentials'))).toBe(true);
    const hostFinding: Finding = {
      ...repoFinding('x'),
      location: { type: 'host-file', host: 'web-1', path: 'credentials', format: 'aws-credentials' },
    };
    expect(rules.ignoresFinding(hostFinding)).toBe(false);
    expect(parseIgnoreRules(hostFinding.fingerprint).ignoresFinding(hostFinding)).toBe(true);
  });

  it('ignores nothing when empty', () => {
    const rules = parseIgnoreRules('');
    expect(rules.ignoresPath('a/b/c')).toBe(false);
    expect(rules.ignoresFinding(repoFinding('a'))).toBe(false);
  });
});

describe('loadIgnoreFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyshift-ignore-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file (CRLF line endings too)', async () => {
    const path = join(dir, DEFAULT_IGNORE_FILE);
    await writeFile(path, '# fixtures\r\ntest/fixtures/\r\n*.sample\r\n');
    const rules = await loadIgnoreFile(path, { explicit: false });
    expect(rules.patterns).toEqual(['test/fixtures/', '*.sample']);
    expect(rules.ignoresPath('test/fixtures/a.env')).toBe(true);
  });

  it('treats a missing default file as no rules', async () => {
    const rules = await loadIgnoreFile(join(dir, DEFAULT_IGNORE_FILE), { explicit: false });
    expect(rules.patterns).toEqual([]);
    expect(rules.fingerprints.size).toBe(0);
  });

  it('reports a missing explicitly given file as bad input', async () => {
    const path = join(dir, 'nope.ignore');
    await expect(loadIgnoreFile(path, { explicit: true })).rejects.toMatchObject({ kind: 'bad-input', message: expect.stringContaining(path) });
    await expect(loadIgnoreFile(path)).rejects.toBeInstanceOf(KeyshiftError);
  });

  it('reports an unreadable default file as bad input rather than ignoring it', async () => {
    // a directory where the file should be: EISDIR, not ENOENT
    const path = join(dir, 'as-dir');
    await import('node:fs/promises').then((fs) => fs.mkdir(path));
    await expect(loadIgnoreFile(path, { explicit: false })).rejects.toMatchObject({ kind: 'bad-input' });
  });
});

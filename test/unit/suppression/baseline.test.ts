import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyshiftError } from '../../../src/errors.js';
import { formatFindingsJson } from '../../../src/report/findings-json.js';
import { applySuppression } from '../../../src/scan/suppression/apply-suppression.js';
import { applyBaseline, loadBaseline } from '../../../src/scan/suppression/baseline.js';
import { parseIgnoreRules } from '../../../src/scan/suppression/ignore-file.js';
import { sampleDocument } from '../report/sample-document.js';

describe('baseline', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyshift-baseline-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, content: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('reads the fingerprints of a findings document written by --format json', async () => {
    const { doc } = sampleDocument();
    const path = await write('baseline.json', formatFindingsJson(doc));
    const baseline = await loadBaseline(path);
    expect([...baseline].sort()).toEqual(doc.findings.map((f) => f.fingerprint).sort());
  });

  it('refuses another kind of document, naming the kind', async () => {
    const path = await write('plan.json', { kind: 'plan', version: 1 });
    const error = await loadBaseline(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshiftError);
    expect((error as KeyshiftError).kind).toBe('bad-input');
    expect((error as KeyshiftError).message).toContain('a plan document, not a findings document');
  });

  it('refuses a findings document from a newer keyshift', async () => {
    const { doc } = sampleDocument();
    const path = await write('newer.json', { ...doc, version: 2 });
    await expect(loadBaseline(path)).rejects.toMatchObject({ kind: 'bad-input', message: expect.stringContaining('version 2, newer than') });
  });

  it('refuses an invalid or missing file', async () => {
    const { doc } = sampleDocument();
    const invalid = await write('invalid.json', { ...doc, findings: [{ fingerprint: 'nope' }] });
    await expect(loadBaseline(invalid)).rejects.toMatchObject({ kind: 'bad-input' });
    await expect(loadBaseline(await write('garbage.json', '{ not json'))).rejects.toMatchObject({ kind: 'bad-input' });
    await expect(loadBaseline(join(dir, 'missing.json'))).rejects.toMatchObject({ kind: 'bad-input' });
  });

  it('applyBaseline keeps only new findings and counts the rest', () => {
    const { doc } = sampleDocument();
    const baseline = new Set([doc.findings[0]!.fingerprint, doc.findings[2]!.fingerprint, 'ks1:0000000000000000']);
    const { kept, suppressed } = applyBaseline(doc.findings, baseline);
    expect(suppressed).toBe(2);
    expect(kept).toEqual([doc.findings[1], doc.findings[3], doc.findings[4]]);
  });
});

describe('applySuppression', () => {
  it('applies the ignore file, then the baseline, counting each finding once', () => {
    const { doc } = sampleDocument();
    const [pair, temporary, legacy, lone, host] = doc.findings;
    const ignoreRules = parseIgnoreRules(`docs/\n${host!.fingerprint}\n`);
    // the baseline also holds an ignored finding: it counts under the ignore file only
    const baseline = new Set([temporary!.fingerprint, legacy!.fingerprint]);
    const result = applySuppression(doc.findings, { ignoreRules, baseline });
    expect(result.kept).toEqual([pair, lone]);
    expect(result.ignoreFile).toBe(2);
    expect(result.baseline).toBe(1);
  });

  it('keeps everything without rules', () => {
    const { doc } = sampleDocument();
    expect(applySuppression(doc.findings, {})).toEqual({ kept: doc.findings, ignoreFile: 0, baseline: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { escapeMarkdown, formatMarkdown } from '../../../src/report/markdown.js';
import { emptyDocument, sampleDocument } from './sample-document.js';

/** The rows of the findings table, split on unescaped pipes. */
function findingRows(markdown: string): string[][] {
  const section = markdown.split('## Findings')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .slice(2) // header and separator
    .map((line) => line.slice(2, -2).split(/(?<!\\) \| /));
}

describe('formatMarkdown', () => {
  it('summarises counts by severity and rule, skipped files, suppressions and problems', () => {
    const md = formatMarkdown(sampleDocument().doc);
    expect(md).toContain('**5 findings**: 2 critical, 2 high, 1 medium, 0 low.');
    expect(md).toContain('| critical | 2 |');
    expect(md).toContain('| medium | 1 |');
    expect(md).toContain('| aws-access-key-pair | 2 |');
    expect(md).toContain('| aws-access-key-id | 2 |');
    expect(md).toContain('| aws-secret-access-key | 1 |');
    expect(md).toContain('Scanned 120 files (2.3 MiB) and 340 blobs.');
    expect(md).toContain('Skipped: 3 binary, 1 too large (over 1.0 MiB), 2 symlinks, 1 unreadable.');
    expect(md).toContain('Suppressed: 1 inline (keyshift:allow), 2 by the ignore file, 0 by the baseline.');
    expect(md).toContain('Problems: 1.');
    expect(md).toContain('(working tree and git history)');
  });

  it('lists findings most severe first, one table row each, with every column filled', () => {
    const { doc, keyIds } = sampleDocument();
    const rows = findingRows(formatMarkdown(doc));
    expect(rows).toHaveLength(doc.findings.length);
    for (const row of rows) expect(row).toHaveLength(8);
    expect(rows.map((r) => r[0])).toEqual(['critical', 'critical', 'high', 'high', 'medium']);

    const pair = rows.find((r) => r[4] === 'config/prod.env:3')!;
    expect(pair[2]).toBe(`${keyIds.pair} + secret ${doc.findings[0]!.secretFingerprint}`);
    expect(pair[3]).toBe('123456789012');
    const git = doc.findings[0]!.location.type === 'repository' ? doc.findings[0]!.location.git! : undefined;
    expect(pair[5]).toBe(`${git!.commit.slice(0, 7)} 2023-05-17`);
    expect(pair[6]).toBe('no');
    expect(pair[7]).toBe(doc.findings[0]!.fingerprint);

    const legacy = rows.find((r) => r[2] === keyIds.legacy)!;
    expect(legacy[3]).toBe('not decodable');
    expect(legacy[6]).toBe('yes');

    const lone = rows.find((r) => r[1] === 'aws-secret-access-key')!;
    expect(lone[2]).toBe(`secret ${doc.findings[3]!.secretFingerprint}`);
    expect(lone[3]).toBe('-');
    expect(lone[5]).toBe('working tree');
  });

  it('escapes pipes and backticks in paths so the table holds together', () => {
    const md = formatMarkdown(sampleDocument().doc);
    expect(md).toContain('docs/set\\|up \\`notes\\`.md:12');
    expect(md).toContain('=cmd\\|calc.csv:1');
    expect(md).toContain('- secrets/locked\\|file.txt (unreadable): EACCES: permission denied');
    expect(md).not.toContain('set|up');
  });

  it('keeps a file name with a line break or markup on its own row, inert', () => {
    const { doc } = sampleDocument();
    const finding = doc.findings[1]!;
    const tricky = FindingsDocument.parse({
      ...doc,
      findings: [{ ...finding, location: { ...finding.location, path: 'a\nb<script>|[x](y)*z*.env' } }],
    });
    const rows = findingRows(formatMarkdown(tricky));
    expect(rows).toHaveLength(1);
    expect(rows[0]![4]).toBe('a\\\\x0ab\\<script\\>\\|\\[x\\]\\(y\\)\\*z\\*.env:12');
  });

  it('escapeMarkdown leaves plain text alone and escapes markup', () => {
    expect(escapeMarkdown('config/prod.env')).toBe('config/prod.env');
    expect(escapeMarkdown('a|b`c')).toBe('a\\|b\\`c');
    expect(escapeMarkdown('$x$ & ~y~')).toBe('\\$x\\$ \\& \\~y\\~');
    expect(escapeMarkdown('back\\slash')).toBe('back\\\\slash');
  });

  it('lists problems and says what to do next, tailored to the findings', () => {
    const md = formatMarkdown(sampleDocument().doc);
    expect(md).toContain('## Problems (1)');
    const next = md.split('## What to do next')[1]!;
    expect(next).toMatch(/Move each workload to an IAM role/);
    expect(next).toMatch(/Deactivate each key/);
    expect(next).toMatch(/Match each lone secret to its key/);
    expect(next).toMatch(/Temporary \(ASIA\) keys expire/);
    expect(next).toMatch(/no longer at HEAD/);
    expect(next).toMatch(/\.keyshiftignore/);
  });

  it('reports a clean scan without a findings table', () => {
    const md = formatMarkdown(emptyDocument());
    expect(md).toContain('**No findings.**');
    expect(md).toContain('No AWS access keys were found. Nothing to do.');
    expect(md).not.toContain('## Findings');
    expect(md).not.toContain('## Problems');
    expect(md).toContain('(working tree)');
    expect(md.endsWith('\n')).toBe(true);
  });
});

// No report may carry a secret access key, whole or in part. Documents hold fingerprints
// only; these tests keep it so, including when a finding object carries a stray field.
import { describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../../src/model/findings-document.js';
import { formatCsv } from '../../../src/report/csv.js';
import { formatFindingsJson } from '../../../src/report/findings-json.js';
import { formatMarkdown } from '../../../src/report/markdown.js';
import { formatSarif } from '../../../src/report/sarif.js';
import { findingTableRows } from '../../../src/report/table-rows.js';
import { secretPieces } from '../../helpers/fake-keys.js';
import { sampleDocument } from './sample-document.js';

function everyFormat(doc: FindingsDocument): Record<string, string> {
  return {
    json: formatFindingsJson(doc),
    sarif: formatSarif(doc),
    markdown: formatMarkdown(doc),
    csv: formatCsv(doc),
    table: JSON.stringify(findingTableRows(doc)),
  };
}

function expectNoSecret(outputs: Record<string, string>, secrets: string[]): void {
  for (const [format, text] of Object.entries(outputs)) {
    for (const secret of secrets) {
      expect(text.includes(secret), `${format} contains a planted secret`).toBe(false);
      const leaked = secretPieces(secret).filter((piece) => text.includes(piece));
      expect(leaked, `${format} contains a piece of a planted secret`).toEqual([]);
    }
  }
}

describe('reports never contain a secret', () => {
  it('in any format, for a document built from planted secrets', () => {
    // several rounds: the fake secrets are random
    for (let round = 0; round < 20; round++) {
      const { doc, secrets, keyIds } = sampleDocument();
      const outputs = everyFormat(doc);
      expectNoSecret(outputs, secrets);
      // and the key IDs, which are identifiers, are shown in full
      for (const text of Object.values(outputs)) expect(text).toContain(keyIds.pair);
    }
  });

  it('even when a finding object carries the secret in a field no schema has', () => {
    const { doc, secrets } = sampleDocument();
    const polluted = {
      ...doc,
      findings: doc.findings.map((f, i) => ({ ...f, secret: secrets[i % secrets.length], match: `key = ${secrets[0]}` })),
    } as FindingsDocument;
    expectNoSecret(everyFormat(polluted), secrets);
  });
});

// Realistic findings documents for the formatter tests, built from fake keys and checked
// against the schema, so the formatters are tested on documents a scan could produce.
import { createHash } from 'node:crypto';
import { findingFingerprint as fingerprint, secretFingerprint } from '../../../src/detect/fingerprint.js';
import type { Finding } from '../../../src/model/finding.js';
import { FindingsDocument } from '../../../src/model/findings-document.js';
import { fakeKeyId, fakeLegacyKeyId, fakeSecret } from '../../helpers/fake-keys.js';

export const ROOT = '/work/repos/payments';
export const ACCOUNT = '123456789012';


function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export interface Sample {
  doc: FindingsDocument;
  /** the secrets the findings stand for: none may appear in any output */
  secrets: string[];
  keyIds: { pair: string; temporary: string; legacy: string };
}

/** A history scan with one finding of each rule, a legacy key, a host finding, and tricky paths. */
export function sampleDocument(): Sample {
  const pairSecret = fakeSecret();
  const loneSecret = fakeSecret();
  const hostSecret = fakeSecret();
  const pairKey = fakeKeyId('AKIA', ACCOUNT);
  const temporaryKey = fakeKeyId('ASIA', ACCOUNT);
  const legacyKey = fakeLegacyKeyId('AKIA');
  const commit = sha('first commit');

  const findings: Finding[] = [
    {
      fingerprint: fingerprint('aws-access-key-pair', pairKey, 'config/prod.env'),
      rule: 'aws-access-key-pair',
      severity: 'critical',
      keyId: pairKey,
      keyKind: 'long-term',
      secretFingerprint: secretFingerprint(pairSecret),
      account: { id: ACCOUNT, source: 'decoded' },
      location: {
        type: 'repository',
        root: ROOT,
        path: 'config/prod.env',
        line: 3,
        column: 19,
        inWorkingTree: false,
        git: {
          blob: sha('blob 1'),
          commit,
          authorDate: '2023-05-17T09:12:44+02:00',
          author: 'Dev One <dev1@example.com>',
          refs: ['refs/heads/main', 'refs/tags/v1.0.0'],
          atHead: false,
        },
      },
    },
    {
      fingerprint: fingerprint('aws-access-key-id', temporaryKey, 'docs/set|up `notes`.md'),
      rule: 'aws-access-key-id',
      severity: 'medium',
      keyId: temporaryKey,
      keyKind: 'temporary',
      account: { id: ACCOUNT, source: 'decoded' },
      location: { type: 'repository', root: ROOT, path: 'docs/set|up `notes`.md', line: 12, column: 1, inWorkingTree: true },
    },
    {
      fingerprint: fingerprint('aws-access-key-id', legacyKey, 'scripts/deploy,old.sh'),
      rule: 'aws-access-key-id',
      severity: 'high',
      keyId: legacyKey,
      keyKind: 'long-term',
      account: { id: null, source: 'not-decodable' },
      location: {
        type: 'repository',
        root: ROOT,
        path: 'scripts/deploy,old.sh',
        line: 7,
        column: 22,
        inWorkingTree: true,
        git: { blob: sha('blob 2'), commit: sha('second'), authorDate: '2024-01-02T10:00:00Z', refs: ['refs/heads/main'], atHead: true },
      },
    },
    {
      fingerprint: fingerprint('aws-secret-access-key', secretFingerprint(loneSecret), '=cmd|calc.csv'),
      rule: 'aws-secret-access-key',
      severity: 'high',
      secretFingerprint: secretFingerprint(loneSecret),
      location: { type: 'repository', root: ROOT, path: '=cmd|calc.csv', line: 1, column: 5, inWorkingTree: true },
    },
    {
      fingerprint: fingerprint('aws-access-key-pair', pairKey, '/home/app/.aws/credentials'),
      rule: 'aws-access-key-pair',
      severity: 'critical',
      keyId: pairKey,
      keyKind: 'long-term',
      secretFingerprint: secretFingerprint(hostSecret),
      account: { id: ACCOUNT, source: 'decoded' },
      location: {
        type: 'host-file',
        host: 'i-0abc1234def567890',
        path: '/home/app/.aws/credentials',
        format: 'aws-credentials',
        section: 'default',
        variable: 'aws_secret_access_key',
        mode: '0600',
        line: 2,
      },
    },
  ];

  const doc = FindingsDocument.parse({
    kind: 'findings',
    version: 1,
    account: null,
    asOf: '2024-06-01T12:00:00Z',
    generator: { name: 'keyshift', version: '0.1.0' },
    scan: { target: 'repo', roots: [ROOT], history: true, maxFileSize: 1048576 },
    stats: {
      files: 120,
      bytes: 2_400_000,
      blobs: 340,
      skipped: { binary: 3, tooLarge: 1, symlinks: 2, unreadable: 1 },
      suppressed: { inline: 1, ignoreFile: 2, baseline: 0 },
    },
    problems: [{ path: 'secrets/locked|file.txt', reason: 'unreadable', message: 'EACCES: permission denied' }],
    findings,
  });
  return { doc, secrets: [pairSecret, loneSecret, hostSecret], keyIds: { pair: pairKey, temporary: temporaryKey, legacy: legacyKey } };
}

/** A scan that found nothing. */
export function emptyDocument(): FindingsDocument {
  const { doc } = sampleDocument();
  return FindingsDocument.parse({
    ...doc,
    scan: { ...doc.scan, history: false },
    stats: { ...doc.stats, suppressed: { inline: 0, ignoreFile: 0, baseline: 0 } },
    problems: [],
    findings: [],
  });
}

// The findings document a scan job returns: the envelope every document carries, around
// what the scan found. Shared by scan repo and scan host.
import type { FindingsDocument } from '../model/findings-document.js';
import { FINDINGS_VERSION } from '../model/findings-version.js';
import { VERSION } from '../version.js';

export function findingsDocument(body: Omit<FindingsDocument, 'kind' | 'version' | 'account' | 'asOf' | 'generator'>, now: Date): FindingsDocument {
  return {
    kind: 'findings',
    version: FINDINGS_VERSION,
    account: null,
    asOf: now.toISOString(),
    generator: { name: 'keyshift', version: VERSION },
    ...body,
  };
}

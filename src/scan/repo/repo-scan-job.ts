// The whole `scan repo` job as the CLI and library callers see it: ignore rules, the scan,
// suppression, optional account resolution, and the findings document.
import { join } from 'node:path';
import type { IoHost } from '../../io/host.js';
import type { FindingsDocument } from '../../model/findings-document.js';
import { findingsDocument } from '../build-findings-document.js';
import type { AwsConnection } from '../../aws/connection.js';
import { loadIgnoreFile, type IgnoreRules } from '../suppression/ignore-file.js';
import type { Finding } from '../../model/finding.js';
import type { SuppressionResult } from '../suppression/apply-suppression.js';
import { resolveAccounts } from './resolve-accounts.js';
import { scanRepo } from './scan-repo.js';

export interface RepoScanJob {
  paths: string[];
  history: boolean;
  maxFileSize: number;
  /** one ignore file for every root; otherwise each root's own .keyshiftignore, if any */
  ignoreFile?: string | undefined;
  baseline?: string | undefined;
  resolve?: AwsConnection | undefined;
  env?: Record<string, string | undefined>;
  host: IoHost;
  signal?: AbortSignal;
  now: Date;
}

export async function runRepoScanJob(job: RepoScanJob): Promise<FindingsDocument> {
  const explicitRules = job.ignoreFile === undefined ? undefined : await loadIgnoreFile(job.ignoreFile, { explicit: true });
  // each scanned root has its own .keyshiftignore, unless --ignore-file names one for all
  const rulesByRoot = new Map<string, Promise<IgnoreRules>>();
  const rulesFor = (root: string): Promise<IgnoreRules> => {
    if (explicitRules) return Promise.resolve(explicitRules);
    let rules = rulesByRoot.get(root);
    if (!rules) rulesByRoot.set(root, (rules = loadIgnoreFile(join(root, '.keyshiftignore'), { explicit: false })));
    return rules;
  };
  // imported only when asked for: reading a baseline loads zod
  // The baseline's modules load zod: imported only with --baseline. Without one, suppression
  // is the ignore file's alone (what applySuppression does when given no baseline).
  const baseline = job.baseline === undefined ? undefined : await (await import('../suppression/baseline.js')).loadBaseline(job.baseline);
  const applySuppression =
    baseline === undefined
      ? (found: readonly Finding[], { ignoreRules }: { ignoreRules: IgnoreRules }): SuppressionResult => {
          const kept = found.filter((f) => !ignoreRules.ignoresFinding(f));
          return { kept, ignoreFile: found.length - kept.length, baseline: 0 };
        }
      : (await import('../suppression/apply-suppression.js')).applySuppression;
  job.host.notify({ type: 'phase', phase: 'scan', message: job.history ? 'scanning working tree and git history' : 'scanning working tree' });
  const result = await scanRepo({
    paths: job.paths,
    history: job.history,
    maxFileSize: job.maxFileSize,
    host: job.host,
    signal: job.signal,
    now: job.now,
    ignorePathFor: async (root) => {
      const rules = await rulesFor(root);
      return (rel) => rules.ignoresPath(rel);
    },
  });
  let findings: Finding[] = [];
  const counts = { ignoreFile: 0, baseline: 0 };
  for (const root of result.roots) {
    const ofRoot = result.findings.filter((f) => f.location.type === 'repository' && f.location.root === root);
    const suppressed = applySuppression(ofRoot, { ignoreRules: await rulesFor(root), baseline });
    findings.push(...suppressed.kept);
    counts.ignoreFile += suppressed.ignoreFile;
    counts.baseline += suppressed.baseline;
  }
  // keep the scanner's order
  const kept = new Set(findings);
  findings = result.findings.filter((f) => kept.has(f));
  if (job.resolve) {
    job.host.notify({ type: 'phase', phase: 'resolve', message: 'resolving accounts with sts:GetAccessKeyInfo' });
    findings = await resolveAccounts(findings, job.resolve, job.env ?? {}, job.signal);
  }
  for (const finding of findings) job.host.notify({ type: 'finding', finding });
  return findingsDocument(
    {
      scan: { target: 'repo', roots: result.roots, history: job.history, maxFileSize: job.maxFileSize },
      stats: {
        ...result.stats,
        suppressed: { ...result.stats.suppressed, ignoreFile: counts.ignoreFile, baseline: counts.baseline },
      },
      problems: result.problems,
      findings,
    },
    job.now,
  );
}

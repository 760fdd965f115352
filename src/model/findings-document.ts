// The findings document: what `scan repo` (and later `scan host`) writes with --format json,
// and what --baseline reads back.
import { z } from 'zod';
import { envelopeShape } from './envelope.js';
import { Finding } from './finding.js';

export { FINDINGS_VERSION } from './findings-version.js';

export const ScanProblem = z.object({
  /** the file, blob or ref that could not be read, relative to its root where possible */
  path: z.string(),
  reason: z.enum(['unreadable', 'not-utf8', 'symlink-outside-root', 'symlink-loop', 'git-error']),
  message: z.string(),
});
export type ScanProblem = z.infer<typeof ScanProblem>;

export const ScanStats = z.object({
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  blobs: z.number().int().nonnegative(),
  skipped: z.object({
    binary: z.number().int().nonnegative(),
    tooLarge: z.number().int().nonnegative(),
    symlinks: z.number().int().nonnegative(),
    unreadable: z.number().int().nonnegative(),
  }),
  suppressed: z.object({
    inline: z.number().int().nonnegative(),
    ignoreFile: z.number().int().nonnegative(),
    baseline: z.number().int().nonnegative(),
  }),
});
export type ScanStats = z.infer<typeof ScanStats>;

export const FindingsDocument = z.object({
  ...envelopeShape,
  kind: z.literal('findings'),
  scan: z.object({
    target: z.enum(['repo', 'host']),
    roots: z.array(z.string()),
    history: z.boolean(),
    maxFileSize: z.number().int().positive(),
  }),
  stats: ScanStats,
  problems: z.array(ScanProblem),
  findings: z.array(Finding),
});
export type FindingsDocument = z.infer<typeof FindingsDocument>;

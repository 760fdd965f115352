// A name given a value somewhere on a host: an environment variable in a file, a unit or a
// process, a key of an INI section, a property on a command line. Values stay in memory
// within src/scan/host and src/detect; only fingerprints of secrets leave.

export interface Assignment {
  variable: string;
  value: string;
  /** the file that sets it, absolute within the root, when it comes from a file */
  file?: string | undefined;
  /** 1-based line of the assignment in that file */
  line?: number | undefined;
  /** 1-based column where the value starts on that line */
  column?: number | undefined;
  /** INI section, AWS profile, compose service */
  section?: string | undefined;
  /** the user a crontab line runs as, when the line says */
  user?: string | undefined;
}

/** The last assignment of each variable, in the order they were made: what a program sees. */
export function effectiveAssignments(assignments: readonly Assignment[]): Assignment[] {
  const last = new Map<string, Assignment>();
  for (const a of assignments) {
    last.delete(a.variable);
    last.set(a.variable, a);
  }
  return [...last.values()];
}

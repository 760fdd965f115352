// Errors that are answers, not failures: a bucket without a policy, a repository without
// one, a resource deleted between listing and reading it.

export function errorName(e: unknown): string {
  return (e as { name?: string } | null)?.name ?? '';
}

/** Runs `fn`; an error with one of `names` means "nothing there" and gives null. */
export async function nullWhen<T>(names: readonly string[], fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (names.includes(errorName(e))) return null;
    throw e;
  }
}

/** An error of our own with a name the incomplete-part record shows, e.g. a job that timed out. */
export function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

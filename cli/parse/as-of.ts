// --as-of: the clock for age and quiet-period rules, as an ISO 8601 date or date-time.
import { InvalidArgumentError } from 'commander';

export function parseAsOf(value: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`"${value}" is not an ISO 8601 date (e.g. 2026-11-23 or 2026-11-23T10:00:00Z)`);
  return d;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

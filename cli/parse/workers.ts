// Parses `usage --workers N`: how many threads read local log files (1: read in the main thread).
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';

/** More threads than this rarely help: the main thread's walk and merge, and the disk, set the pace. */
export const MAX_DEFAULT_WORKERS = 4;

export function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 256) throw new InvalidArgumentError(`"${value}" is not a number of worker threads (1 to 256)`);
  return Number(value);
}

/** The default: one per core this process may use (a taskset or cgroup limit counts), at most MAX_DEFAULT_WORKERS. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_WORKERS));
}

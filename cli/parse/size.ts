// Parses a size flag: "1048576", "512k", "512KiB", "1m", "10MB" (powers of 1024).
import { InvalidArgumentError } from 'commander';

const FACTORS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const factor = m ? FACTORS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new InvalidArgumentError(`"${value}" is not a size (examples: 1048576, 512k, 10MiB)`);
  const bytes = Math.floor(Number(m[1]) * factor);
  if (bytes <= 0) throw new InvalidArgumentError('the size must be positive');
  return bytes;
}

export function parseExitCode(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 255) throw new InvalidArgumentError(`"${value}" is not an exit code (0-255)`);
  return Number(value);
}

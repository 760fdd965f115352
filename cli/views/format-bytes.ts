// Human sizes for progress lines: 1536 -> "1.5 KiB".
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} ${UNITS[u]}` : `${v.toFixed(1)} ${UNITS[u]}`;
}

// One line describing a progress event, shared by the plain host and the ink view.
import type { IoEvent } from '../../src/io/host.js';
import { formatBytes } from './format-bytes.js';

type Progress = Extract<IoEvent, { type: 'progress' }>;

export function progressLine(e: Progress): string {
  const count = e.total === undefined ? `${e.done} ${e.unit}` : `${e.done}/${e.total} ${e.unit}`;
  return `${e.phase}: ${count}${e.bytes === undefined ? '' : `, ${formatBytes(e.bytes)}`}`;
}

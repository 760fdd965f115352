// A worker thread of the working-tree scan (see worktree-pool.ts): scans the batches of files
// it is sent, in order, and answers each with its part of the result.
import { parentPort, workerData } from 'node:worker_threads';
import { emptyPart, WorktreeFileScanner } from './worktree-file-scanner.js';
import type { BatchMessage, ResultMessage, WorkerReady, WorktreeWorkerData } from './worktree-pool.js';

const port = parentPort;
if (port) {
  const scanner = new WorktreeFileScanner((workerData as WorktreeWorkerData).maxFileSize);
  port.on('message', ({ seq, paths }: BatchMessage) => {
    const part = emptyPart();
    for (let i = 0; i < paths.length; i += 2) scanner.scanFile(paths[i]!, paths[i + 1]!, part);
    port.postMessage({ type: 'result', seq, part } satisfies ResultMessage);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReady);
}

// A worker thread of parallel-directory.ts: reads the log files it is sent, in the order sent,
// into its own UsageAggregator (each file's records under the file's place in the read order),
// and at the end hands back the aggregate as a snapshot, with its skips. Messages from the main
// thread are handled one at a time, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { UsageAggregator } from '../aggregate.js';
import { SkipCounter } from '../cloudtrail-event.js';
import { readWholeLogFile, streamLogFile } from './log-file-reader.js';
import { RecordSink } from './parse-log-file.js';
import type { DirectoryWorkerData, FromDirectoryWorker, ToDirectoryWorker } from './parallel-directory.js';

const data = workerData as DirectoryWorkerData;
const port = parentPort!;
const aggregator = new UsageAggregator({ keys: data.keys === null ? null : new Set(data.keys) });
const skips = new SkipCounter();
const sink = new RecordSink(data.window, skips, (event, timeMs) => aggregator.add(event, timeMs));

async function handle(message: ToDirectoryWorker): Promise<void> {
  if (message.type === 'files') {
    for (let i = 0; i < message.paths.length; i++) {
      aggregator.order = message.orders[i]!;
      const path = message.paths[i]!;
      if (!readWholeLogFile(path, sink, data.wholeFileMaxBytes)) await streamLogFile(path, sink);
    }
    port.postMessage({ type: 'read', files: message.paths.length, events: sink.events } satisfies FromDirectoryWorker);
    return;
  }
  const snapshot = aggregator.snapshot();
  // the numbers are moved to the main thread, not copied
  port.postMessage({ type: 'result', snapshot, skips: [...skips.counts], events: sink.events } satisfies FromDirectoryWorker, [snapshot.numbers.buffer]);
}

let queue = Promise.resolve();
port.on('message', (message: ToDirectoryWorker) => {
  // a failure is left unhandled on purpose: the worker stops and the main thread gets its 'error'
  queue = queue.then(() => handle(message));
});

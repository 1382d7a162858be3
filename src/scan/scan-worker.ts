// A scan worker: for each job it is sent, claims chunks of a folder's record
// names, reads them, and posts each chunk's passing records as JSON bytes
// (see scan-pool.ts). It then waits for the next job.
import { parentPort } from 'node:worker_threads';
import { ChunkReader, CONTROL, type ScanJob } from './chunk-reader.js';

function run(job: ScanJob): void {
  const control = new Int32Array(job.control);
  const reader = new ChunkReader(job);
  for (;;) {
    const chunk = Atomics.add(control, CONTROL.NEXT, 1);
    if (chunk >= reader.chunks) return;
    // Stay within the window of chunks the main thread has not written yet: memory stays flat when output is slow.
    for (
      let written = Atomics.load(control, CONTROL.WRITTEN);
      chunk >= written + job.window;
      written = Atomics.load(control, CONTROL.WRITTEN)
    ) {
      if (Atomics.load(control, CONTROL.STOP)) return;
      Atomics.wait(control, CONTROL.WRITTEN, written, 100);
    }
    if (Atomics.load(control, CONTROL.STOP)) return;
    const m = reader.read(chunk);
    parentPort?.postMessage(m, m.bytes ? [m.bytes.buffer as ArrayBuffer] : []);
  }
}

parentPort?.on('message', (job: ScanJob) => run(job));

// The parallel scan keeps one invariant: every chunk of a folder's names is
// read exactly once, and the output holds the chunks in order, with no reader
// more than WINDOW chunks ahead of the last one written.
// - Claim: a chunk belongs to whoever takes its number from the shared counter
//   CONTROL.NEXT. A worker takes the next number with Atomics.add and then waits
//   (Atomics.wait on CONTROL.WRITTEN) until the chunk is within the window.
// - CAS: the main thread must not claim past the window, so it claims with
//   Atomics.compareExchange, which leaves the counter alone when another
//   reader got there first or when the next number is out of its reach.
// - Wake: the main thread sleeps only when the chunk it must write next was
//   claimed by a worker; that chunk is within the window, so the worker reads
//   and posts it. Every worker message, error and exit wakes the main thread,
//   and all three run on its own event loop, so no wake is lost.
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { ChunkReader, CONTROL, type ChunkMessage, type ScanJob } from './chunk-reader.js';
import type { RecordQuery } from './read-records.js';
import type { SharedNames } from './shared-names.js';
import { trace } from '../trace.js';

// Chunks of 64 records stay under 64 KB of JSON, one buffer of the builder's first size.
const CHUNK_SIZE = 64;
const WINDOW = 16;

// A worker's garbage is short-lived (see Utf8Builder): a small young generation
// keeps its memory down at no cost in speed (npm run bench -- --only scan).
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

// The workers print nothing. Left to default, each one's stdout and stderr are piped into the
// process's, and every pipe adds listeners there: with 11 or more workers, a write that
// waits for 'drain' makes Node warn of a listener leak (MaxListenersExceededWarning).
const WORKER_STDIO = { stdout: true, stderr: true };

/** The scan worker's code: a SEA carries it as an asset; the bundle finds it beside itself. */
function startWorker(): Worker {
  // node:sea exists only in the executables' Node 22, so it is asked for when a worker starts, not imported.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sea = require('node:sea') as { isSea(): boolean; getAsset(key: string, encoding: string): string };
  // Loaded here, not at the top: a get of a small folder loads this file (the pool may start during its
  // listing) but starts no worker, and pays nothing for worker_threads (test/e2e/startup.test.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  if (sea.isSea())
    return new Worker(sea.getAsset('scan-worker.cjs', 'utf8'), { eval: true, resourceLimits: WORKER_LIMITS, ...WORKER_STDIO });
  return new Worker(join(__dirname, 'kmsdb-scan-worker.cjs'), { resourceLimits: WORKER_LIMITS, ...WORKER_STDIO });
}

/** A run of passing records, serialised and joined by the requested separator, in UTF-8. */
export interface EncodedRecords {
  bytes: Uint8Array | null;
  count: number;
  /** The indexes of the --mailbox patterns that a record read so far has matched (none without patterns). */
  matched?: number[];
  /** The files of this run that the filter left out because they could not be read. */
  unread?: number;
}

/**
 * Threads that read record files, with the main thread as one of the readers.
 * The workers take one folder at a time.
 */
export class ScanPool {
  private readonly workers: Worker[];
  private readonly ready = new Map<number, ChunkMessage>();
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private job = 0;

  /** `readers` counts the main thread: two readers are the main thread and one worker. */
  constructor(readers: number) {
    trace({ readers });
    this.workers = Array.from({ length: Math.max(1, readers - 1) }, () => {
      const w = startWorker();
      w.on('message', (m: ChunkMessage) => {
        if (m.job !== this.job) return;
        this.ready.set(m.chunk, m);
        this.signal();
      });
      w.on('error', (err) => {
        this.failure ??= err;
        this.signal();
      });
      w.on('exit', (code) => {
        if (code !== 0) this.failure ??= new Error(`a scan worker exited with code ${code}`);
        this.signal();
      });
      // Held only while a folder is read: a pool started during a listing keeps no process alive that ends before it reads.
      w.unref();
      return w;
    });
  }

  private signal(): void {
    this.wake?.();
    this.wake = null;
  }

  /**
   * Reads a folder's records, yielding the passing records' JSON bytes in
   * file-name order, chunk by chunk, as soon as the chunks before it are
   * done. Workers claim fixed-size chunks from a shared counter and never run
   * more than WINDOW chunks ahead of what has been yielded, so memory stays
   * flat however slowly the output is consumed.
   */
  async *records(
    files: { dir: string; names: SharedNames },
    query: Pick<RecordQuery, 'mailbox' | 'affected'>,
    separator: string,
    onRead?: (done: number) => void,
  ): AsyncGenerator<EncodedRecords> {
    const control = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    const job: ScanJob = {
      id: ++this.job,
      dir: files.dir,
      names: files.names,
      mailbox: [...(query.mailbox ?? [])],
      affected: query.affected === true,
      separator,
      chunkSize: CHUNK_SIZE,
      window: WINDOW,
      control: control.buffer as SharedArrayBuffer,
    };
    const reader = new ChunkReader(job);
    const chunks = reader.chunks;
    this.ready.clear();
    for (const w of this.workers) {
      w.ref();
      w.postMessage(job);
    }
    let done = 0;
    try {
      for (let next = 0; next < chunks; next++) {
        let m = this.ready.get(next);
        while (!m) {
          if (this.failure) throw this.failure;
          // While it waits, the main thread reads a chunk itself, within the window like the workers.
          const claimed = Atomics.load(control, CONTROL.NEXT);
          if (
            claimed < chunks &&
            claimed < next + WINDOW &&
            Atomics.compareExchange(control, CONTROL.NEXT, claimed, claimed + 1) === claimed
          ) {
            this.ready.set(claimed, reader.read(claimed));
            // While waiting on a worker's chunk, let its messages in between chunks.
            if (claimed !== next) await new Promise<void>((resolve) => setImmediate(resolve));
          } else if (!this.ready.has(next)) {
            await new Promise<void>((resolve) => (this.wake = resolve));
          }
          m = this.ready.get(next);
        }
        this.ready.delete(next);
        done += m.read;
        onRead?.(done);
        yield { bytes: m.bytes, count: m.count, matched: m.matched, unread: m.unread };
        Atomics.store(control, CONTROL.WRITTEN, next + 1);
        Atomics.notify(control, CONTROL.WRITTEN);
      }
    } finally {
      // Reached early too, when the consumer stops: the workers drop this folder.
      Atomics.store(control, CONTROL.STOP, 1);
      Atomics.notify(control, CONTROL.WRITTEN);
      for (const w of this.workers) w.unref();
    }
  }

  /** Lets the workers go without waiting for them: they hold no output, and the process ends them when it ends. */
  close(): void {
    for (const w of this.workers) {
      w.unref();
      void w.terminate();
    }
  }
}

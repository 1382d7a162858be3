import { compileFilter, readCandidate, type RecordFilter } from './query.js';
import { FileReader, recordPath } from './scan.js';

/**
 * Record names in shared memory: UTF-8 bytes, and where each name starts
 * (one more offset marks the end). Workers read the names they claim from it,
 * so a large folder's list is not copied into every worker.
 */
export interface SharedNames {
  bytes: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  count: number;
}

export function shareNames(names: readonly string[]): SharedNames {
  let total = 0;
  for (const n of names) total += Buffer.byteLength(n, 'utf8');
  const bytes = new SharedArrayBuffer(total);
  const starts = new SharedArrayBuffer((names.length + 1) * Int32Array.BYTES_PER_ELEMENT);
  const view = Buffer.from(bytes);
  const offsets = new Int32Array(starts);
  let at = 0;
  names.forEach((n, i) => {
    offsets[i] = at;
    at += view.write(n, at, 'utf8');
  });
  offsets[names.length] = at;
  return { bytes, starts, count: names.length };
}

export function sharedName(shared: SharedNames, index: number): string {
  const offsets = new Int32Array(shared.starts);
  return Buffer.from(shared.bytes).toString('utf8', offsets[index], offsets[index + 1]);
}

/** What a scan worker is given. */
export interface ScanJob {
  /** Tells this job's chunks from those of a job stopped early. */
  id: number;
  dir: string;
  names: SharedNames;
  mailbox: string[];
  affected: boolean;
  /** What joins a chunk's records: '\n' for NDJSON (which also ends the chunk), ',\n' for JSON. */
  separator: string;
  chunkSize: number;
  /** How many chunks may be read ahead of the last one written. */
  window: number;
  /** An Int32Array over this, indexed by CONTROL. */
  control: SharedArrayBuffer;
}

/** Slots of the shared control array. */
export const CONTROL = {
  /** The next chunk to claim. */
  NEXT: 0,
  /** How many chunks the main thread has written, in order. */
  WRITTEN: 1,
  /** Non-zero: stop claiming (the reader of the output went away). */
  STOP: 2,
} as const;

/** A chunk's records that passed the filter, as joined JSON text, how many, and how many files it read. */
export interface ChunkMessage {
  job: number;
  chunk: number;
  text: string;
  count: number;
  read: number;
}

/** A reader of a job's chunks, on whichever thread claims them. */
export class ChunkReader {
  private readonly reader = new FileReader();
  private readonly filter: RecordFilter;
  private readonly files: { dir: string; names: string[] };
  readonly chunks: number;

  constructor(private readonly job: ScanJob) {
    this.filter = compileFilter(job);
    this.files = { dir: job.dir, names: [] };
    this.chunks = Math.ceil(job.names.count / job.chunkSize);
  }

  read(chunk: number): ChunkMessage {
    const lines: string[] = [];
    const start = chunk * this.job.chunkSize;
    const end = Math.min(this.job.names.count, start + this.job.chunkSize);
    for (let i = start; i < end; i++) {
      const name = sharedName(this.job.names, i);
      const record = readCandidate(this.reader, recordPath(this.files, name), name, this.filter);
      if (record) lines.push(JSON.stringify(record));
    }
    // One string per chunk, small enough for the main thread's young generation: it is written and gone.
    const text = lines.length === 0 ? '' : lines.join(this.job.separator) + (this.job.separator === '\n' ? '\n' : '');
    return { job: this.job.id, chunk, text, count: lines.length, read: end - start };
  }
}

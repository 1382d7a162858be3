import { compileFilter, matchedPatterns, readCandidate, type RecordFilter } from './read-records.js';
import { FileReader } from './file-reader.js';
import { recordPath } from './listing.js';
import { sharedNameReader, type SharedNames } from './shared-names.js';
import { Utf8Builder } from './utf8-builder.js';

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

/** A chunk's records that passed the filter, as joined JSON in UTF-8, how many, and how many files it read. */
export interface ChunkMessage {
  job: number;
  chunk: number;
  /** Over an ArrayBuffer of its own, which a worker transfers; null when no record passed. */
  bytes: Uint8Array | null;
  count: number;
  read: number;
  /** The indexes of the --mailbox patterns that a record read by this thread has matched, so far. */
  matched: number[];
  /** The files of this chunk that the filter left out because they could not be read. */
  unread: number;
}

/** A reader of a job's chunks, on whichever thread claims them. */
export class ChunkReader {
  private readonly reader = new FileReader();
  // Outside the heap (see Utf8Builder): the main thread may hold a window of chunks.
  private readonly out = new Utf8Builder();
  private readonly filter: RecordFilter;
  private readonly name: (index: number) => string;
  private readonly files: { dir: string; names: string[] };
  readonly chunks: number;

  constructor(private readonly job: ScanJob) {
    this.filter = compileFilter(job);
    this.name = sharedNameReader(job.names);
    this.files = { dir: job.dir, names: [] };
    this.chunks = Math.ceil(job.names.count / job.chunkSize);
  }

  read(chunk: number): ChunkMessage {
    let count = 0;
    const unreadBefore = this.filter.unread;
    const start = chunk * this.job.chunkSize;
    const end = Math.min(this.job.names.count, start + this.job.chunkSize);
    for (let i = start; i < end; i++) {
      const name = this.name(i);
      const record = readCandidate(this.reader, recordPath(this.files, name), name, this.filter);
      if (!record) continue;
      if (count++ > 0) this.out.append(this.job.separator);
      this.out.append(JSON.stringify(record));
    }
    if (count > 0 && this.job.separator === '\n') this.out.append('\n');
    const unread = this.filter.unread - unreadBefore;
    return { job: this.job.id, chunk, bytes: this.out.take(), count, read: end - start, matched: matchedPatterns(this.filter), unread };
  }
}

import { availableParallelism } from 'node:os';
import type { KmsRecord } from '../records/record.js';
import type { RecordFiles } from './listing.js';
import { distinctPatterns, selectRecords, type RecordQuery, type Selection } from './read-records.js';
import type { EncodedRecords, ScanPool } from './scan-pool.js';
import { shareNames } from './shared-names.js';
import { trace } from '../trace.js';

/** Below this many files in a folder, starting reader threads costs more than it saves. */
const PARALLEL_MIN_FILES = 20_000;

/** One reader per core, up to 4 in all. */
function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface ScanOptions {
  /** Readers for a large folder, the main thread included; 1 reads every file on this thread. */
  threads?: number | undefined;
  /** What joins records that reader threads serialise together: '\n' for NDJSON (which also ends each run), ',\n' for JSON. */
  separator: string;
}

/** A database's record files, listed, and a way to read them. */
export interface Scan {
  /** Each path's folder and candidate file names, in the order of the paths. */
  folders: RecordFiles[];
  /** How many candidate files there are in all: what progress counts up to. */
  total: number;
  /**
   * The records that pass the filter, path after path, each path's in
   * file-name order: for a folder read on this thread, one lazy iterable
   * that reads a file each time it is asked for a record, so that no await
   * of this generator comes between records (npm run bench -- --only scan);
   * for a folder read by reader threads, runs of records that they
   * serialised. `onRead` gets how many files have been read. Stopping early
   * lets the reader threads go.
   */
  records(onRead?: (done: number) => void): AsyncGenerator<Iterable<KmsRecord> | EncodedRecords>;
  /** Once every record has been read: the --mailbox patterns that no record of any path matched, as written, each once (distinctPatterns), in their order. */
  unmatched(): string[];
  /** Once every record has been read: how many files the filter left out because they could not be read. */
  unread(): number;
}

export function isEncoded(item: Iterable<KmsRecord> | EncodedRecords): item is EncodedRecords {
  return 'bytes' in item;
}

/**
 * Lists the record files of every path, then reads them when asked. A folder
 * of PARALLEL_MIN_FILES or more is read by a pool of reader threads; any
 * other, or every folder with `threads: 1`, on this thread. Every path is
 * listed before any record is read, so that a bad path fails before any
 * output. The reader threads start as soon as a listing has found
 * PARALLEL_MIN_FILES names, so that their start overlaps the rest of it.
 */
export async function scanRecords(
  paths: readonly string[],
  query: Pick<RecordQuery, 'mailbox' | 'affected'>,
  options: ScanOptions,
): Promise<Scan> {
  const threads = options.threads ?? defaultThreads();
  // Worker threads' code is loaded only where there can be reader threads.
  const Pool = threads > 1 ? (await import('./scan-pool.js')).ScanPool : null;
  let pool: ScanPool | null = null;
  const hook = Pool ? { count: PARALLEL_MIN_FILES, then: () => void (pool ??= new Pool(threads)) } : undefined;
  let selections: Selection[];
  try {
    selections = paths.map((path) => selectRecords({ path, ...query }, hook));
  } catch (err) {
    // A later path failed after an earlier one started the pool.
    (pool as ScanPool | null)?.close();
    throw err;
  }
  const folders = selections.map((s) => s.files);
  trace({ listed: folders.reduce((n, f) => n + f.names.length, 0) });
  const started = pool as ScanPool | null;
  const matched = new Set<number>();
  let unread = 0;
  return {
    folders,
    total: folders.reduce((n, f) => n + f.names.length, 0),
    async *records(onRead) {
      try {
        let before = 0;
        for (const selection of selections) {
          const { files } = selection;
          const progress = onRead && ((done: number) => onRead(before + done));
          if (started && files.names.length >= PARALLEL_MIN_FILES) {
            for await (const run of started.records(
              { dir: files.dir, names: shareNames(files.names) },
              query,
              options.separator,
              progress,
            )) {
              for (const i of run.matched ?? []) matched.add(i);
              unread += run.unread ?? 0;
              yield run;
            }
          } else {
            // The consumer reads every record of the iterable before it asks for the next one.
            yield selection.records(progress);
            for (const i of selection.matched()) matched.add(i);
            unread += selection.unread();
          }
          before += files.names.length;
        }
      } finally {
        started?.close();
      }
    },
    unmatched: () => distinctPatterns((query.mailbox ?? []).filter((_, i) => !matched.has(i))),
    unread: () => unread,
  };
}

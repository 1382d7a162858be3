import { compileMailboxPattern, matchesMailbox } from './mailbox.js';
import { buildRecord, diagnose, unreadableRecord, type Diagnosis, type KmsRecord } from './record.js';
import { describeFsError, FileReader, isNotARecord, recordFiles, recordPath, type RecordFiles } from './scan.js';

export interface RecordQuery {
  /** A database folder, or one record file. */
  path: string;
  /** Wildcard patterns, OR-ed; empty selects every record. */
  mailbox?: readonly string[];
  /** Only records in the Q198709 condition. */
  affected?: boolean;
}

export interface Selection {
  files: RecordFiles;
  /** Reads the files lazily, in name order, yielding the records that pass the filter. */
  records(onRead?: (done: number) => void): Generator<KmsRecord>;
}

/**
 * Selects records. A file is diagnosed first, and only a file that passes the
 * filter gets the costlier rest of its record (status, hash, warnings, identity).
 */
export function selectRecords(query: RecordQuery): Selection {
  const files = recordFiles(query.path);
  const patterns = (query.mailbox ?? []).map(compileMailboxPattern);
  const filtered = query.affected === true || patterns.length > 0;
  const passes = (d: Diagnosis) => (query.affected !== true || d.affected) && (patterns.length === 0 || matchesMailbox(d.profile, patterns));
  return {
    files,
    *records(onRead) {
      const reader = new FileReader();
      let done = 0;
      try {
        for (const name of files.names) {
          const path = recordPath(files, name);
          let bytes: Buffer;
          try {
            bytes = reader.read(path);
          } catch (err) {
            onRead?.(++done);
            if (!isNotARecord(err) && !filtered) yield unreadableRecord(path, name, describeFsError(err));
            continue;
          }
          const diagnosis = diagnose(bytes);
          onRead?.(++done);
          if (!passes(diagnosis)) continue;
          const st = reader.stat();
          if (!st.isFile()) continue;
          // The diagnosis reads the reader's scratch buffer: finish with it before the next read.
          yield buildRecord(path, name, bytes, st.mtime, diagnosis);
        }
      } finally {
        reader.close();
      }
    },
  };
}

/** Reads and builds one record, or an unreadable record naming the reason. */
export function readRecord(path: string, name: string): KmsRecord {
  const reader = new FileReader();
  try {
    const bytes = reader.read(path);
    return buildRecord(path, name, bytes, reader.stat().mtime, diagnose(bytes));
  } catch (err) {
    return unreadableRecord(path, name, describeFsError(err));
  } finally {
    reader.close();
  }
}

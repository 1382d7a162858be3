import { compileMailboxPattern, matchesMailbox } from './mailbox.js';
import { buildRecord, diagnose, unreadableRecord, type Diagnosis, type KmsRecord } from './record.js';
import { describeFsError, FileReader, recordFiles, type RecordFile } from './scan.js';

export interface RecordQuery {
  /** A database folder, or one record file. */
  path: string;
  /** Wildcard patterns, OR-ed; empty selects every record. */
  mailbox?: readonly string[];
  /** Only records in the Q198709 condition. */
  affected?: boolean;
}

/** A record file as read; `diagnosis` is null when the file could not be read. */
export interface ReadResult {
  file: RecordFile;
  record: KmsRecord;
  diagnosis: Diagnosis | null;
}

export interface Selection {
  files: RecordFile[];
  /** Reads the files lazily, in name order, yielding those that pass the filter. */
  results(onRead?: (done: number) => void): Generator<ReadResult>;
}

/**
 * Selects records. A file is diagnosed first, and only a file that passes the
 * filter gets the costlier rest of its record (hash, warnings, identity).
 */
export function selectRecords(query: RecordQuery): Selection {
  const files = recordFiles(query.path);
  const patterns = (query.mailbox ?? []).map(compileMailboxPattern);
  const affectedOnly = query.affected === true;
  return {
    files,
    *results(onRead) {
      const reader = new FileReader();
      let done = 0;
      for (const file of files) {
        let content;
        try {
          content = reader.read(file.path);
        } catch (err) {
          onRead?.(++done);
          if (affectedOnly || patterns.length > 0) continue;
          yield { file, record: unreadableRecord(file.path, file.name, describeFsError(err)), diagnosis: null };
          continue;
        }
        const diagnosis = diagnose(content.bytes);
        onRead?.(++done);
        if (affectedOnly && !diagnosis.affected) continue;
        if (patterns.length > 0 && !matchesMailbox(diagnosis.profile, patterns)) continue;
        yield { file, record: buildRecord(file.path, file.name, content.bytes, content.mtime, diagnosis), diagnosis };
      }
    },
  };
}

/** Reads and builds one record, or an unreadable record naming the reason. */
export function readRecordFile(file: RecordFile): ReadResult {
  try {
    const { bytes, mtime } = new FileReader().read(file.path);
    const diagnosis = diagnose(bytes);
    return { file, record: buildRecord(file.path, file.name, bytes, mtime, diagnosis), diagnosis };
  } catch (err) {
    return { file, record: unreadableRecord(file.path, file.name, describeFsError(err)), diagnosis: null };
  }
}

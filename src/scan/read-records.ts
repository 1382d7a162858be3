import { compileMailboxPattern, foldText, matchesMailbox, matchingPatterns, type MailboxPattern } from '../records/mailbox.js';
import { statSync, type Stats } from 'node:fs';
import { buildRecord, diagnose, emptyRecord, unreadableRecord, type KmsRecord } from '../records/record.js';
import type { Profile } from '../profile/parse.js';
import { describeFsError } from '../fs-errors.js';
import { FileReader, isNotARecord, RecordTooLargeError } from './file-reader.js';
import { recordFiles, recordPath, type ListingHook, type RecordFiles } from './listing.js';

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
  /** The mailbox patterns that no record read so far has matched, as written, each once (distinctPatterns), in their order. */
  unmatched(): string[];
  /** The indexes of the patterns that some record read so far has matched. */
  matched(): number[];
  /** How many files the filter has left out so far because they could not be read (RecordFilter.unread). */
  unread(): number;
}

/** A query's filter, compiled once and shared by every reader of the query. */
export interface RecordFilter {
  patterns: MailboxPattern[];
  affected: boolean;
  /**
   * The indexes of the patterns that no record read so far has matched: a record that passes the
   * filter is tested against each of these, while there are any (none for a query without patterns).
   */
  unmatched: Set<number>;
  /**
   * The files left out because they could not be read (access denied, too large): whether they
   * match cannot be told, so a pattern that matched nothing may still name one of them.
   */
  unread: number;
}

export function compileFilter(query: Pick<RecordQuery, 'mailbox' | 'affected'>): RecordFilter {
  const patterns = (query.mailbox ?? []).map(compileMailboxPattern);
  return { patterns, affected: query.affected === true, unmatched: new Set(patterns.keys()), unread: 0 };
}

/**
 * Whether a record's names match the filter's patterns (true without patterns). While some pattern
 * has matched no record, every pattern is tested, in one reading of the names, and those that match
 * are noted, whether or not --affected keeps the record: a pattern that names a record is no typo.
 */
function matchesPatterns(filter: RecordFilter, profile: Profile): boolean {
  if (filter.patterns.length === 0) return true;
  if (filter.unmatched.size === 0) return matchesMailbox(profile, filter.patterns);
  const found = matchingPatterns(profile, filter.patterns);
  for (const i of found) filter.unmatched.delete(i);
  return found.length > 0;
}

/** The indexes of the patterns that some record read by this filter has matched. */
export function matchedPatterns(filter: RecordFilter): number[] {
  return [...filter.patterns.keys()].filter((i) => !filter.unmatched.has(i));
}

/**
 * Patterns as written, each once: a pattern written again, in any case, matches the same records,
 * so it is named once, as first written.
 */
export function distinctPatterns(patterns: readonly string[]): string[] {
  const seen = new Set<string>();
  return patterns.filter((p) => {
    const folded = foldText(p);
    const key = typeof folded === 'string' ? folded : folded.join('');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What kmsdb says of a --mailbox pattern that no record matches (get's notice, reset's refusal),
 * and of the files that could not be read, one of which the pattern may name.
 */
export function notFoundMessage(pattern: string, unread: number): string {
  if (unread === 0) return `No record has a mailbox that matches '${pattern}'.`;
  const files = unread === 1 ? '1 file' : `${unread} files`;
  return (
    `No record that could be read has a mailbox that matches '${pattern}': ${files} could not be read, and it may be one of them: ` +
    'a listing with no mailbox or state filter names each, with why.'
  );
}

/**
 * Reads one candidate file and returns its record when it passes the filter,
 * else null. The file is diagnosed first, and only a file that passes gets the
 * costlier rest of its record (status, hash, warnings, identity). A name that
 * turns out not to be a regular file is no record; a file that cannot be read
 * is a record with a warning, unless a filter asks for what it cannot show.
 */
export function readCandidate(reader: FileReader, path: string, name: string, filter: RecordFilter): KmsRecord | null {
  let bytes: Buffer;
  try {
    bytes = reader.read(path);
  } catch (err) {
    const filtered = filter.affected || filter.patterns.length > 0;
    if (err instanceof RecordTooLargeError) {
      const st = reader.stat();
      reader.close();
      if (!st.isFile()) return null;
      if (!filtered) return tooLargeRecord(path, name, st, err.limit);
      filter.unread++;
      return null;
    }
    reader.close();
    if (isNotARecord(err)) return null;
    if (!filtered) return unreadableRecord(path, name, describeFsError(err));
    // Only a file can be the record a pattern meant: not a folder that cannot be opened, a socket or a FIFO.
    if (isFile(path)) filter.unread++;
    return null;
  }
  try {
    const diagnosis = diagnose(bytes);
    const named = matchesPatterns(filter, diagnosis.profile);
    if ((filter.affected && !diagnosis.affected) || !named) return null;
    const st = reader.stat();
    if (!st.isFile()) return null;
    // The diagnosis reads the reader's scratch buffer, so the record is finished before the next read.
    return buildRecord(path, name, bytes, st.mtime, diagnosis);
  } finally {
    reader.close();
  }
}

/** Whether path names a regular file (through links), for a file that could not be opened or read. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A file too large to be a record: listed with a warning, never read whole, never changed. */
function tooLargeRecord(path: string, name: string, st: Stats, limit: number): KmsRecord {
  const record = emptyRecord(path, name);
  record.size = st.size;
  record.lastWriteTime = st.mtime.toISOString();
  record.warnings.push({
    code: 'too-large',
    message: `The file is larger than ${limit} bytes, more than any KMS record; it is not read and never changed.`,
  });
  return record;
}

/** Selects records: reads the files one after another, in name order. `hook` runs during the listing (recordFiles). */
export function selectRecords(query: RecordQuery, hook?: ListingHook): Selection {
  const files = recordFiles(query.path, hook);
  const filter = compileFilter(query);
  return {
    files,
    *records(onRead) {
      const reader = new FileReader();
      let done = 0;
      for (const name of files.names) {
        const record = readCandidate(reader, recordPath(files, name), name, filter);
        onRead?.(++done);
        if (record) yield record;
      }
    },
    unmatched: () => distinctPatterns([...filter.unmatched].map((i) => query.mailbox?.[i] ?? '')),
    matched: () => matchedPatterns(filter),
    unread: () => filter.unread,
  };
}

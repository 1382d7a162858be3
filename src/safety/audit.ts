import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, readSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { explain, validator } from '../contract/index.js';
import { writeAllAndSync } from './atomic.js';
import { openChecked, UnsafeWriteError } from './checked-write.js';
import { makePrivateFolder } from './private-folder.js';
import { describeFsError, errorCode } from '../fs-errors.js';
import { forEachLine, InputError, sizeText } from '../input/bounded.js';

export type AuditEvent = 'reset' | 'restore' | 'reset-failed' | 'restore-failed';

/** One line of the audit log (schemas/audit-entry.schema.json). */
export interface AuditEntry {
  time: string;
  event: AuditEvent;
  user: string;
  host: string;
  pid: number;
  id: string;
  path: string;
  previousState: number | null;
  state: number | null;
  sha256Before: string;
  sha256After: string;
  backupPath: string;
  /** Why the write failed: the -failed events only. */
  error?: string;
}

export type LogPathReason = 'symlink' | 'not-a-file' | 'hard-linked' | 'not-a-log';

/** What the log path is when it cannot take the log, finishing "the audit log PATH ...". */
export const LOG_PATH_REASONS: Record<LogPathReason, string> = {
  symlink: 'is a symbolic link; kmsdb never follows one to write its log',
  'not-a-file': 'is not a regular file',
  'hard-linked': 'has another name (a hard link), which could be a record or a backup; kmsdb appends only to a log of its own',
  'not-a-log': "is not a kmsdb audit log (its first line is not one); kmsdb appends to nothing else, a backup's bytes least of all",
};

/**
 * The log path is no place for a log: a symbolic link (a reparse point on
 * Windows), a folder, a device, a file with another name, or a file that
 * holds something else than audit lines.
 */
export class LogPathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: LogPathReason,
  ) {
    super(`the audit log ${path} ${LOG_PATH_REASONS[reason]}`);
    this.name = 'LogPathError';
  }
}

/** A line of an audit log that is not an entry kmsdb wrote, or a log that cannot be read. */
export class AuditLogError extends Error {
  constructor(
    readonly path: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `the audit log ${path} ${reason}` : `line ${line} of ${path} ${reason}`);
    this.name = 'AuditLogError';
  }
}

/** The largest audit log restore reads: years of changes to a large database fit many times over. */
export const AUDIT_LOG_LIMIT = 256 * 1024 * 1024;

/** The longest line restore reads from an audit log: two of the longest Windows paths, and an error, fit in it. */
export const AUDIT_LINE_LIMIT = 1024 * 1024;

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'unknown';
  }
}

export function auditEntry(fields: Omit<AuditEntry, 'time' | 'user' | 'host' | 'pid'>): AuditEntry {
  return { time: new Date().toISOString(), user: currentUser(), host: hostname(), pid: process.pid, ...fields };
}

/** How every line kmsdb writes begins (JSON.stringify keeps the order of auditEntry's fields). */
const LINE_START = Buffer.from('{"time":"');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The first bytes of an open file, up to `length`. */
function head(fd: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/**
 * True when a file is empty or starts as kmsdb's audit lines do, after the
 * UTF-8 BOM an editor such as Notepad may have saved it with.
 */
function looksLikeLog(fd: number, size: number): boolean {
  if (size === 0) return true;
  let start = head(fd, BOM.length + LINE_START.length);
  if (start.subarray(0, BOM.length).equals(BOM)) start = start.subarray(BOM.length);
  return start.subarray(0, LINE_START.length).equals(LINE_START);
}

/**
 * Refuses a log path that exists as anything but a regular file of its own
 * holding audit lines. Windows has no O_NOFOLLOW, so there this check (lstat
 * sees a reparse point as a link) is the first guard; the open checks again.
 */
export function checkLogPath(logPath: string): void {
  let st;
  try {
    st = lstatSync(logPath);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  if (st.isSymbolicLink()) throw new LogPathError(logPath, 'symlink');
  if (!st.isFile()) throw new LogPathError(logPath, 'not-a-file');
  closeSync(openLogChecked(logPath));
}

/** Where a line was appended, so that a line about a change that then failed can be taken back. */
export interface AuditMark {
  path: string;
  end: number;
  length: number;
}

/**
 * Opens the log for appending (made 0600 when new) through the checked write
 * path: no link followed, a regular file with no other name, and one that
 * holds audit lines, so that a line never lands in a record or a backup.
 */
function openLogChecked(logPath: string): number {
  let fd: number;
  try {
    fd = openChecked(logPath, { flags: constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, mode: 0o600, oneLink: true });
  } catch (err) {
    if (err instanceof UnsafeWriteError) {
      const reason = err.reason === 'link' ? 'symlink' : err.reason === 'hard-linked' ? 'hard-linked' : 'not-a-file';
      throw new LogPathError(logPath, reason);
    }
    throw err;
  }
  if (!looksLikeLog(fd, fstatSync(fd).size)) {
    closeSync(fd);
    throw new LogPathError(logPath, 'not-a-log');
  }
  return fd;
}

/** True when a non-empty file does not end in a line break: a log an editor saved without one. */
function lacksFinalNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/**
 * Appends one JSON line and flushes it to disk. The line is one write to a
 * file opened for appending, so concurrent writers never interleave lines.
 */
export function appendAudit(logPath: string, entry: AuditEntry): AuditMark {
  makePrivateFolder(dirname(logPath));
  const fd = openLogChecked(logPath);
  try {
    // After a last line that an editor left without its line break, a new line must not join it.
    const line = Buffer.from(`${lacksFinalNewline(fd) ? '\n' : ''}${JSON.stringify(entry)}\n`, 'utf8');
    writeAllAndSync(fd, line);
    return { path: logPath, end: fstatSync(fd).size, length: line.length };
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes the log ready for a line, as appendAudit opens it (its folder made,
 * the file made or checked), and writes nothing: a run does this before its
 * first backup, so that a change whose line cannot be written is not backed
 * up either.
 */
export function prepareAudit(logPath: string): void {
  makePrivateFolder(dirname(logPath));
  closeSync(openLogChecked(logPath));
}

/**
 * Takes back the line at `mark` when it is still the last one: a change that
 * failed must not stay logged as made. Used only when the line saying that it
 * failed could not be written either (a full disk), since truncating needs no space.
 */
export function retractAudit(mark: AuditMark): boolean {
  const fd = openLogChecked(mark.path);
  try {
    if (fstatSync(fd).size !== mark.end) return false;
    ftruncateSync(fd, mark.end - mark.length);
    writeAllAndSync(fd, new Uint8Array(0));
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Parses one line as JSON; a line nested too deeply to parse is as bad as one that is not JSON. */
function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Reads and validates a whole audit log, a line at a time: every line must be
 * an entry as kmsdb writes it (schemas/audit-entry.schema.json). Each entry
 * goes to `onEntry` as it is read, and the first line that is not one throws,
 * so a caller acts on none of them until this returns.
 */
export function forEachAuditEntry(path: string, onEntry: (entry: AuditEntry) => void): void {
  const validate = validator('auditEntry');
  try {
    forEachLine(path, { size: AUDIT_LOG_LIMIT, line: AUDIT_LINE_LIMIT }, (line, number) => {
      // A log saved by Notepad starts with a UTF-8 BOM; reset appends to such a log, so restore reads it.
      const value = parseLine(number === 1 ? line.replace(/^\uFEFF/, '') : line);
      if (value === undefined) throw new AuditLogError(path, number, 'is not an audit entry: it is not JSON');
      if (!validate(value)) throw new AuditLogError(path, number, `is not an audit entry: ${explain(validate.errors, 'it')}`);
      onEntry(value as AuditEntry);
    });
  } catch (err) {
    if (err instanceof AuditLogError) throw err;
    if (err instanceof InputError && err.reason === 'size')
      throw new AuditLogError(path, null, `is larger than ${sizeText(AUDIT_LOG_LIMIT)}; split it and restore from each part`);
    if (err instanceof InputError && err.reason === 'line')
      throw new AuditLogError(path, err.line, `is not an audit entry: it is longer than ${sizeText(AUDIT_LINE_LIMIT)}`);
    if (err instanceof InputError) throw new AuditLogError(path, null, err.message);
    throw new AuditLogError(path, null, `cannot be read: ${describeFsError(err)}`);
  }
}

/** A whole audit log's entries (see forEachAuditEntry). */
export function readAuditLog(path: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  forEachAuditEntry(path, (entry) => entries.push(entry));
  return entries;
}

import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { explain, validator } from '../contract/index.js';
import { writeAllAndSync } from './atomic.js';
import { errorCode } from '../fs-errors.js';
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

/** The log path is no place for a log: a symbolic link (a reparse point on Windows), a folder, a device. */
export class LogPathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'symlink' | 'not-a-file',
  ) {
    super(
      reason === 'symlink'
        ? `the audit log ${path} is a symbolic link; kmsdb never follows one to write its log`
        : `the audit log ${path} is not a regular file`,
    );
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

/**
 * Refuses a log path that exists as anything but a regular file. Windows has
 * no O_NOFOLLOW, so there this check (lstat sees a reparse point as a link)
 * is the guard; elsewhere the open itself refuses a link as well.
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
}

/** Where a line was appended, so that a line about a change that then failed can be taken back. */
export interface AuditMark {
  path: string;
  end: number;
  length: number;
}

function openLog(logPath: string): number {
  checkLogPath(logPath);
  // O_NONBLOCK: a FIFO without a reader fails at once instead of hanging the run.
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = openSync(logPath, flags, 0o644);
  } catch (err) {
    if (errorCode(err) === 'ELOOP') throw new LogPathError(logPath, 'symlink');
    if (errorCode(err) === 'ENXIO') throw new LogPathError(logPath, 'not-a-file');
    throw err;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new LogPathError(logPath, 'not-a-file');
  }
  return fd;
}

/**
 * Appends one JSON line and flushes it to disk. The line is one write to a
 * file opened for appending, so concurrent writers never interleave lines.
 */
export function appendAudit(logPath: string, entry: AuditEntry): AuditMark {
  mkdirSync(dirname(logPath), { recursive: true });
  const fd = openLog(logPath);
  try {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    writeAllAndSync(fd, line);
    return { path: logPath, end: fstatSync(fd).size, length: line.length };
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes back the line at `mark` when it is still the last one: a change that
 * failed must not stay logged as made. Used only when the line saying that it
 * failed could not be written either (a full disk), since truncating needs no space.
 */
export function retractAudit(mark: AuditMark): boolean {
  const fd = openLog(mark.path);
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
      const value = parseLine(line);
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
    throw new AuditLogError(path, null, `cannot be read: ${errorCode(err) ?? String(err)}`);
  }
}

/** A whole audit log's entries (see forEachAuditEntry). */
export function readAuditLog(path: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  forEachAuditEntry(path, (entry) => entries.push(entry));
  return entries;
}

import { closeSync, mkdirSync, openSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { writeAllAndSync } from './atomic.js';

/** One line of the audit log: a change to one record. */
export interface AuditEntry {
  time: string;
  event: 'reset' | 'restore';
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
}

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
 * Appends one JSON line and flushes it to disk. The line is one write to a
 * file opened for appending, so concurrent writers never interleave lines.
 */
export function appendAudit(logPath: string, entry: AuditEntry): void {
  mkdirSync(dirname(logPath), { recursive: true });
  const fd = openSync(logPath, 'a', 0o644);
  try {
    writeAllAndSync(fd, Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

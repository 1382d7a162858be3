import { appendFileSync } from 'node:fs';

/**
 * Appends one JSON line to KMSDB_TRACE_FILE when it is set. Tests read it to
 * see how kmsdb ran: each process start with its command and its exit code,
 * each pool of reader threads, and the end of a scan's listing, each with its time (ms since the epoch).
 */
export function trace(event: Record<string, unknown>): void {
  const file = process.env.KMSDB_TRACE_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ pid: process.pid, time: Date.now(), ...event })}\n`);
}

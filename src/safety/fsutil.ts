import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorCode } from '../fs-errors.js';

/** Flushes a folder's entries (a rename or a new file) to disk. Windows has no such call and needs none. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a file if it is there. Node's rmSync, refused the unlink (EPERM in
 * an append-only folder), retries the name as a folder and reports that
 * retry's ENOTDIR instead; this reports the refusal itself.
 */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}

/** A name part that no other process picks: pid and random bytes. */
export function uniqueTag(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** True when a process with this pid runs on this host (or exists and is not ours to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/** How old a temp file must be before it counts as left behind: a live writer on another host holds one for milliseconds. */
const LEFTOVER_AGE_MS = 60_000;

/**
 * Removes the temp files a killed or failed kmsdb run left in a folder: names
 * that `pattern` matches, whose first group is the pid of uniqueTag(), when
 * that process is gone and the file is older than a minute. Nothing else is touched.
 */
export function removeLeftovers(dir: string, pattern: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const m = pattern.exec(name);
    const pid = m ? Number(m[1]) : NaN;
    if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.isFile() && now - st.mtimeMs > LEFTOVER_AGE_MS) unlinkSync(path);
    } catch {
      // Gone already, or not ours to remove: harmless either way.
    }
  }
}

import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileWith, linkNew } from './atomic.js';
import { errorCode } from '../fs-errors.js';
import { isAlive, removeFile, removeLeftovers, uniqueTag } from './fsutil.js';
import { readBounded } from '../input/bounded.js';

export const LOCK_NAME = '.kmsdb.lock';

/** The most of a lock file that is read: what kmsdb writes is about 100 bytes. */
const LOCK_SIZE_LIMIT = 4096;

/** What a lock file records about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/** Something other than a lock file sits where the lock goes (a folder, a link, a device): no run can take the lock. */
export class LockPathError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a kmsdb lock file; remove it if no kmsdb run is using the database`);
    this.name = 'LockPathError';
  }
}

/** Removes the lock temp files that killed or failed runs left in a database folder (see tryCreate). */
export function removeLockLeftovers(dir: string): void {
  removeLeftovers(dir, /^\.kmsdb\.lock\.(\d+)-[0-9a-f]{8}\.tmp$/);
}

function checkLockPath(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.isFile()) return;
  throw new LockPathError(path, st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file');
}

export class LockBusyError extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      owner
        ? `The database is locked by kmsdb ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started}). ` +
            `Wait for it to finish, or remove ${path} if that run is gone.`
        : `The database is locked (${path}). Remove it if no kmsdb run is using the database.`,
    );
    this.name = 'LockBusyError';
  }
}

/** The lock's owner; null for a lock that is not one kmsdb wrote (not a regular file, too large, not its JSON). */
function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readBounded(path, LOCK_SIZE_LIMIT).bytes.toString('utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/**
 * A lock is stale when its owner ran on this host and is gone, or when it
 * cannot be read and is older than a few seconds (a crash while writing it).
 * A lock held from another host is never presumed stale.
 */
function isStale(path: string, owner: LockOwner | null, host: string): boolean {
  if (owner) return owner.host === host && owner.pid !== process.pid && !isAlive(owner.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > 5_000;
  } catch {
    return false;
  }
}

/** Creates the lock file with its content in one step, by linking a complete temp file into place. */
function tryCreate(path: string, owner: LockOwner): boolean {
  const content = Buffer.from(`${JSON.stringify(owner)}\n`);
  const temp = `${path}.${uniqueTag()}.tmp`;
  createFileWith(temp, content, 0o644);
  try {
    const linked = linkNew(temp, path);
    if (linked !== 'unsupported') return linked === 'linked';
    // No hard links here: an exclusive create is the atomic step instead.
    try {
      createFileWith(path, content, 0o644);
      return true;
    } catch (err) {
      if (errorCode(err) === 'EEXIST') return false;
      throw err;
    }
  } finally {
    removeFile(temp);
  }
}

export interface Lock {
  path: string;
  release(): void;
}

/**
 * Takes the one-writer lock of a database folder, waiting up to `waitMs`
 * for another run to finish. Throws LockBusyError when it cannot.
 */
export async function acquireLock(dir: string, command: string, waitMs: number): Promise<Lock> {
  const path = join(dir, LOCK_NAME);
  const host = hostname();
  const owner: LockOwner = { pid: process.pid, host, started: new Date().toISOString(), command };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(path, owner)) {
      let held = true;
      return {
        path,
        release() {
          if (!held) return;
          held = false;
          const current = readOwner(path);
          if (current && current.pid === owner.pid && current.host === host && current.started === owner.started) unlinkSync(path);
        },
      };
    }
    checkLockPath(path);
    const current = readOwner(path);
    if (isStale(path, current, host)) {
      // Remove it only if it is still the stale lock just read, not a new owner's.
      const again = readOwner(path);
      if (JSON.stringify(again) === JSON.stringify(current)) removeFile(path);
      continue;
    }
    if (Date.now() >= deadline) throw new LockBusyError(path, current);
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())));
  }
}

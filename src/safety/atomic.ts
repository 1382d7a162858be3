import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir, uniqueTag } from './fsutil.js';

/** Temp files end in this, never in .ini, so that nothing takes them for records. */
export const TEMP_SUFFIX = '.kmsdb-tmp';

/** Writes all of `bytes` to an open file and flushes them to disk. */
export function writeAllAndSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  fsyncSync(fd);
}

/**
 * Replaces `target` with `bytes` atomically: a temp file in the same folder
 * gets the bytes, the target's mode and owner, and is flushed to disk before
 * it is renamed over the target. A crash at any instant leaves the target
 * either as it was or as written, and at worst a stray temp file.
 */
export function replaceFileAtomic(target: string, bytes: Uint8Array, like: Stats): void {
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${uniqueTag()}${TEMP_SUFFIX}`);
  const fd = openSync(temp, 'wx', like.mode & 0o7777);
  try {
    try {
      fchmodSync(fd, like.mode & 0o7777);
      if (process.platform !== 'win32' && process.getuid?.() === 0 && (like.uid !== 0 || like.gid !== 0)) fchownSync(fd, like.uid, like.gid);
      writeAllAndSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // The rename may have consumed it; either way the target is intact.
    }
    throw err;
  }
  fsyncDir(dir);
}

/** Removes temp files that a killed run left in a folder. Call it only while holding the folder's lock. */
export function removeStaleTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('.') || !name.endsWith(TEMP_SUFFIX)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Gone already, or not ours to remove: harmless either way.
    }
  }
}

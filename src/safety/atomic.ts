import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorCode } from '../fs-errors.js';
import { fsyncDir, uniqueTag } from './fsutil.js';

/** Temp files end in this, never in .ini, so that nothing takes them for records. */
export const TEMP_SUFFIX = '.kmsdb-tmp';

/** Writes all of `bytes` to an open file and flushes them to disk. */
export function writeAllAndSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  fsyncSync(fd);
}

/** Creates `path`, which must not exist, holding `bytes` flushed to disk; a failed write leaves no file behind. */
export function createFileWith(path: string, bytes: Uint8Array, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeAllAndSync(fd, bytes);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}

/** What a file system without hard links (FAT, some shares) answers a link with. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP']);

/**
 * Gives a complete file a second name in one step, so that a file under that
 * name is never seen half written. 'taken' when the name exists;
 * 'unsupported' where the file system has no hard links, and the caller must
 * take another atomic step.
 */
export function linkNew(existing: string, path: string): 'linked' | 'taken' | 'unsupported' {
  try {
    linkSync(existing, path);
    return 'linked';
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST') return 'taken';
    if (code !== undefined && NO_HARD_LINKS.has(code)) return 'unsupported';
    throw err;
  }
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
      if (process.platform !== 'win32' && process.getuid?.() === 0 && (like.uid !== 0 || like.gid !== 0))
        fchownSync(fd, like.uid, like.gid);
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

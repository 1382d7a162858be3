import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorCode } from '../fs-errors.js';
import { identityOf, openChecked, sameFile, UnsafeWriteError, type FileIdentity } from './checked-write.js';
import { fsyncDir, removeFile, removeLeftovers, uniqueTag } from './fsutil.js';

/** Temp files end in this, never in .ini, so that nothing takes them for records. */
export const TEMP_SUFFIX = '.kmsdb-tmp';

/** Writes all of `bytes` to an open file and flushes them to disk. */
export function writeAllAndSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  fsyncSync(fd);
}

/** What an exclusive create opens with: a new file, never an existing one nor a link's target. */
export const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/**
 * Creates `path`, which must not exist, holding `bytes` flushed to disk; a
 * failed write leaves no file behind. Returns the new file's identity, so that
 * a later step can tell it from a file put under its name since.
 */
export function createFileWith(path: string, bytes: Uint8Array, mode: number): FileIdentity {
  const fd = openChecked(path, { flags: CREATE_NEW, mode, oneLink: true });
  let id: FileIdentity;
  try {
    id = identityOf(fstatSync(fd, { bigint: true }));
    writeAllAndSync(fd, bytes);
  } catch (err) {
    closeSync(fd);
    // The write's own failure is the one to report; a file that cannot be removed either is a leftover a later run clears.
    try {
      removeFile(path);
    } catch {
      // As above.
    }
    throw err;
  }
  closeSync(fd);
  return id;
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
export function replaceFileAtomic(target: string, bytes: Uint8Array, like: Stats, expect?: FileIdentity): void {
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${uniqueTag()}${TEMP_SUFFIX}`);
  const fd = openChecked(temp, { flags: CREATE_NEW, mode: like.mode & 0o7777, oneLink: true });
  try {
    try {
      fchmodSync(fd, like.mode & 0o7777);
      if (process.platform !== 'win32' && process.getuid?.() === 0 && (like.uid !== 0 || like.gid !== 0))
        fchownSync(fd, like.uid, like.gid);
      writeAllAndSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    // The rename replaces whatever has the name now: it must still be the record that was checked.
    const now = lstatSync(target, { bigint: true });
    if (now.isSymbolicLink() || !now.isFile()) throw new UnsafeWriteError(target, now.isSymbolicLink() ? 'link' : 'not-a-file');
    if (expect && !sameFile(identityOf(now), expect)) throw new UnsafeWriteError(target, 'replaced');
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

/**
 * Removes the temp files of replaceFileAtomic that a killed run left in a
 * folder: only names of that form (.NAME.ini.PID-TAG.kmsdb-tmp) whose run is
 * gone. Any other file, whatever its name, is not kmsdb's to remove.
 */
export function removeStaleTemps(dir: string): void {
  removeLeftovers(dir, /^\..*\.ini\.(\d+)-[0-9a-f]{8}\.kmsdb-tmp$/is);
}

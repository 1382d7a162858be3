import { closeSync, constants, fstatSync, lstatSync, openSync, type BigIntStats } from 'node:fs';
import { errorCode } from '../fs-errors.js';

/** Why kmsdb refused to write a file: it is not the plain file of its own that the write was meant for. */
export type UnsafeWriteReason = 'link' | 'not-a-file' | 'replaced' | 'hard-linked';

/** A file kmsdb was about to write is not what was checked: the write was not made. */
export class UnsafeWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: UnsafeWriteReason,
  ) {
    super(
      {
        link: `${path} is a symbolic link or another reparse point; kmsdb never writes through one`,
        'not-a-file': `${path} is not a regular file; kmsdb writes only regular files`,
        replaced: `${path} was replaced by another file after it was checked; kmsdb wrote nothing to it`,
        'hard-linked': `${path} has another name (a hard link); kmsdb writes its log and backups only to files of their own`,
      }[reason],
    );
    this.name = 'UnsafeWriteError';
  }
}

/**
 * What tells a file apart from every other on the machine: device and inode.
 * On Windows Node gives the volume serial number and the 64-bit file ID, hence bigint.
 */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

export function identityOf(st: { dev: bigint | number; ino: bigint | number }): FileIdentity {
  return { dev: BigInt(st.dev), ino: BigInt(st.ino) };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** What a write open asks for: its mode of access, and what the file must be once it is open. */
export interface CheckedOpen {
  /** Node open flags (constants.O_*); O_NOFOLLOW and O_NONBLOCK are added. */
  flags: number;
  /** The mode of a file the open creates. */
  mode?: number;
  /** The file an earlier check read: the open file must be that very file. */
  expect?: FileIdentity | undefined;
  /** The file may have no other name: a log or a backup, which nothing else may share. */
  oneLink?: boolean;
}

/**
 * Test-only: runs between the check of the path and its open, so that a test
 * can swap the file there as an attacker would. Never set outside tests.
 */
export const raceHooks: { afterCheck?: (path: string) => void } = {};

function lstatOrNull(path: string): BigIntStats | null {
  try {
    return lstatSync(path, { bigint: true });
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Opens a file that kmsdb is about to write, and proves through the open
 * handle that it is the file meant. Linux refuses a link at the open itself
 * (O_NOFOLLOW); Windows has no such flag in Node, so there a reparse point is
 * refused by lstat and the handle must then be the file lstat saw (same volume
 * serial and file ID), which a swap in between cannot fake. Returns the fd.
 */
export function openChecked(path: string, how: CheckedOpen): number {
  const before = lstatOrNull(path);
  if (before?.isSymbolicLink()) throw new UnsafeWriteError(path, 'link');
  if (before && !before.isFile()) throw new UnsafeWriteError(path, 'not-a-file');
  raceHooks.afterCheck?.(path);
  // O_NONBLOCK: a FIFO swapped in after the check fails at once instead of hanging the run.
  const flags = how.flags | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = how.mode === undefined ? openSync(path, flags) : openSync(path, flags, how.mode);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ELOOP' || code === 'EMLINK') throw new UnsafeWriteError(path, 'link');
    if (code === 'ENXIO' || code === 'EISDIR') throw new UnsafeWriteError(path, 'not-a-file');
    throw err;
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw new UnsafeWriteError(path, 'not-a-file');
    const id = identityOf(st);
    if ((before && !sameFile(id, identityOf(before))) || (how.expect && !sameFile(id, how.expect)))
      throw new UnsafeWriteError(path, 'replaced');
    if (how.oneLink && st.nlink !== 1n) throw new UnsafeWriteError(path, 'hard-linked');
    // Where the open could not refuse a link (Windows), the name must still lead to this very handle's file.
    const after = lstatOrNull(path);
    if (!after || after.isSymbolicLink() || !sameFile(id, identityOf(after))) throw new UnsafeWriteError(path, 'replaced');
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

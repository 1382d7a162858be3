import { closeSync, constants, fsyncSync, readSync, writeSync, type Stats } from 'node:fs';
import { replaceFileAtomic } from './atomic.js';
import { openChecked, type FileIdentity } from './checked-write.js';
import { errorCode } from '../fs-errors.js';

/**
 * What Windows reports when another process holds the file without sharing
 * what we ask for (EBUSY), or holds it pending delete (EPERM, EACCES). Such
 * a holder (KMS, backup software, antivirus) usually lets go within moments.
 * Linux has no such holders: there these codes are the system's refusal
 * (an owner, a mode, an immutable flag), which no retry changes.
 */
const HELD_CODES: ReadonlySet<string> = new Set(['EBUSY', 'EPERM', 'EACCES']);
const RETRY_DELAYS_MS = [50, 100, 200, 400, 800];
const RETRY_TOTAL_S = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) / 1000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `action`, retrying it briefly, on Windows, while another program holds the file. */
export function retryWhileHeld<T>(action: () => T, platform: NodeJS.Platform = process.platform): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return action();
    } catch (err) {
      const code = errorCode(err);
      if (platform !== 'win32' || code === undefined || !HELD_CODES.has(code)) throw err;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        const why =
          code === 'EBUSY' ? 'another program holds the file open' : 'another program holds the file open, or access to it is denied';
        throw new Error(`${why} (${code}, still after ${RETRY_TOTAL_S} s); close that program or stop the service, then retry`, {
          cause: err,
        });
      }
      sleepSync(delay);
    }
  }
}

function readAll(fd: number, length: number): Buffer {
  // One byte more than expected, so that a file that has grown is seen.
  const buf = Buffer.alloc(length + 1);
  let done = 0;
  for (;;) {
    const n = readSync(fd, buf, done, buf.length - done, done);
    if (n === 0) return buf.subarray(0, done);
    done += n;
    if (done === buf.length) return buf;
  }
}

/**
 * Overwrites, in place, the bytes of `target` that differ between `before`
 * and `after` (of equal length), then flushes the file. The file keeps its
 * identity: ACL, owner, attributes, streams, creation time, file ID and hard
 * links. The changed span is one write: for a reset that is one byte, which
 * no crash can tear. The file is checked to hold `before`, through the handle
 * that writes, so that the write never lands in other bytes.
 */
export function overwriteInPlace(target: string, before: Uint8Array, after: Uint8Array, expect?: FileIdentity): void {
  if (before.length !== after.length) throw new Error('an in-place write needs bytes of the same length');
  let first = 0;
  while (first < before.length && before[first] === after[first]) first++;
  if (first === before.length) return;
  let last = before.length - 1;
  while (before[last] === after[last]) last--;
  // A record may have other names (hard links), which an in-place write keeps; it must be the file that was read.
  const fd = retryWhileHeld(() => openChecked(target, { flags: constants.O_RDWR, expect }));
  try {
    if (!readAll(fd, before.length).equals(before)) throw new Error('the record changed while it was being written, so it was left alone');
    let done = first;
    while (done <= last) done += writeSync(fd, after, done, last + 1 - done, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a record's new bytes. Same length: in place, keeping the file.
 * Another length: an atomic replace, which on Windows makes a new file (see
 * the README for what that loses).
 */
export function writeRecordBytes(
  target: string,
  before: Uint8Array,
  after: Uint8Array,
  like: Stats,
  expect?: FileIdentity,
): 'in-place' | 'replaced' {
  if (before.length === after.length) {
    overwriteInPlace(target, before, after, expect);
    return 'in-place';
  }
  retryWhileHeld(() => replaceFileAtomic(target, after, like, expect));
  return 'replaced';
}

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { errorCode } from '../fs-errors.js';

/** Errors that mean "this name is not a record file" rather than "this record cannot be read". */
export function isNotARecord(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'ELOOP';
}

/**
 * The largest file that is read as a record. A KMS client record holds a few
 * keys and at most a handful of base64 certificates: a few KB, tens of KB at
 * the very most. 1 MiB leaves ample headroom and keeps what one read holds
 * small, whatever a folder holds (a huge file, a link to /dev/zero).
 */
export const RECORD_SIZE_LIMIT = 1024 * 1024;

/** A file over RECORD_SIZE_LIMIT: no record of KMS's, so it is never read whole nor changed. */
export class RecordTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly limit: number,
  ) {
    super(`${path} is larger than ${limit} bytes, more than any KMS record`);
    this.name = 'RecordTooLargeError';
  }
}

/**
 * Reads whole files of at most RECORD_SIZE_LIMIT bytes. The file stays open
 * until close(), so that stat() describes the very file that was read. The
 * bytes live in a scratch buffer that the next read reuses: copy them to keep them.
 */
export class FileReader {
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private fd = -1;

  constructor(private readonly limit = RECORD_SIZE_LIMIT) {}

  read(path: string): Buffer {
    this.close();
    // O_NONBLOCK keeps a FIFO named *.ini from hanging the scan; regular files ignore it.
    this.fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    let length = 0;
    for (;;) {
      // One byte past the limit tells a file at the limit from one over it, without reading more.
      const got = readSync(this.fd, this.scratch, length, Math.min(this.scratch.length, this.limit + 1) - length, null);
      length += got;
      if (length > this.limit) throw new RecordTooLargeError(path, this.limit);
      // A short read of a regular file is its end, which saves the read that returns 0.
      if (got === 0 || length < this.scratch.length) break;
      const grown = Buffer.allocUnsafe(Math.min(this.scratch.length * 2, this.limit + 1));
      this.scratch.copy(grown, 0, 0, length);
      this.scratch = grown;
    }
    return this.scratch.subarray(0, length);
  }

  /** The open file's status. */
  stat(): Stats {
    return fstatSync(this.fd);
  }

  close(): void {
    if (this.fd !== -1) closeSync(this.fd);
    this.fd = -1;
  }
}

// The one door for what kmsdb reads other than records in a scan: settings,
// the lock, audit logs, backups and stdin. Every read checks the kind of file
// before a byte is read (a regular file; a pipe only for stdin) and caps the
// size before reading, so that a FIFO, /dev/zero or a huge sparse file costs
// nothing wherever it is named. Lines are read with a cap each, one at a time,
// and nothing is sized by the input.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';

/** Why an input was refused; `message` finishes a sentence that starts with the input's name. */
export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'kind' | 'size' | 'line',
    message: string,
    /** For `line`: the number of the line that is too long. */
    readonly line: number | null = null,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** What a file is, in words, when it is not a regular file. */
export function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAFile(path: string, st: Stats): InputError {
  return new InputError(path, 'kind', `is ${kindOf(st)}, not a regular file`);
}

function tooLarge(path: string, limit: number): InputError {
  return new InputError(path, 'size', `is larger than ${sizeText(limit)}`);
}

/** A limit in words: "1 MiB", "4096 bytes". */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

// O_NONBLOCK: should a FIFO appear between the stat and the open, the open returns at once instead of waiting for a writer.
// O_NOCTTY: a terminal named as a file never becomes the process's controlling terminal.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * Opens a regular file of at most `limit` bytes for reading. What is not a
 * regular file is refused before it is opened (opening a device can have
 * effects of its own) and again through the handle, which is what is read.
 */
export function openRegular(path: string, limit: number): { fd: number; stat: Stats } {
  const before = statSync(path);
  if (!before.isFile()) throw notAFile(path, before);
  if (before.size > limit) throw tooLarge(path, limit);
  const fd = openSync(path, READ_FLAGS);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notAFile(path, stat);
    if (stat.size > limit) throw tooLarge(path, limit);
    return { fd, stat };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads at most `limit` bytes from an open file: one byte more tells a file
 * that grew past the limit since its size was checked. The buffer starts at
 * the size the file reported and grows only while the file does.
 */
function readUpTo(fd: number, path: string, sizeHint: number, limit: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.min(sizeHint, limit) + 1);
  let length = 0;
  for (;;) {
    const got = readSync(fd, buf, length, buf.length - length, null);
    if (got === 0) return buf.subarray(0, length);
    length += got;
    if (length > limit) throw tooLarge(path, limit);
    if (length === buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, limit + 1));
      buf.copy(grown, 0, 0, length);
      buf = grown;
    }
  }
}

/** A whole regular file of at most `limit` bytes, and its status through the same handle. */
export function readBounded(path: string, limit: number): { bytes: Buffer; stat: Stats } {
  const { fd, stat } = openRegular(path, limit);
  try {
    return { bytes: readUpTo(fd, path, stat.size, limit), stat };
  } finally {
    closeSync(fd);
  }
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const CHUNK = 64 * 1024;

/** True when bytes [start, end) are only spaces, tabs and carriage returns. */
function blank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/**
 * Calls `onLine` with each line of a regular file of at most `limit` bytes
 * that is not blank (only spaces, tabs, CR), with its 1-based number, as
 * UTF-8 without its line end. The file is read in fixed chunks: memory holds
 * one chunk and at most one line of `lineLimit` bytes, whatever the file holds.
 */
export function forEachLine(path: string, limits: { size: number; line: number }, onLine: (text: string, line: number) => void): void {
  const { fd } = openRegular(path, limits.size);
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    // The start of a line that runs past the chunk, kept until its end comes.
    let carry: Buffer[] = [];
    let carried = 0;
    let line = 1;
    let total = 0;
    const emit = (parts: Buffer) => {
      let end = parts.length;
      if (end > 0 && parts[end - 1] === CR) end--;
      if (!blank(parts, 0, end)) onLine(parts.toString('utf8', 0, end), line);
    };
    for (;;) {
      const got = readSync(fd, chunk, 0, CHUNK, null);
      total += got;
      if (total > limits.size) throw tooLarge(path, limits.size);
      if (got === 0) break;
      let start = 0;
      for (let i = start; i < got; i++) {
        if (chunk[i] !== NEWLINE) continue;
        if (carried + i - start > limits.line) throw lineTooLong(path, line, limits.line);
        if (carried > 0) {
          carry.push(chunk.subarray(start, i));
          emit(Buffer.concat(carry, carried + i - start));
          carry = [];
          carried = 0;
        } else if (!blank(chunk, start, i)) {
          emit(chunk.subarray(start, i));
        }
        line++;
        start = i + 1;
      }
      if (start < got) {
        carried += got - start;
        if (carried > limits.line) throw lineTooLong(path, line, limits.line);
        // Copied: the chunk is read into again.
        carry.push(Buffer.from(chunk.subarray(start, got)));
      }
    }
    if (carried > 0) emit(Buffer.concat(carry, carried));
  } finally {
    closeSync(fd);
  }
}

function lineTooLong(path: string, line: number, limit: number): InputError {
  return new InputError(path, 'line', `has a line longer than ${sizeText(limit)} (line ${line})`, line);
}

/**
 * Calls `onLine` with each line of `text` that is not blank, with its 1-based
 * number, without its line end: the lines are found one at a time, never
 * gathered in a list.
 */
export function forEachTextLine(text: string, onLine: (line: string, number: number) => void): void {
  let number = 1;
  for (let start = 0; start <= text.length; number++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const lineEnd = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    const line = text.slice(start, lineEnd);
    if (line.trim() !== '') onLine(line, number);
    start = end + 1;
  }
}

/**
 * Refuses a standard input that is neither a pipe, a socket, a terminal nor
 * a regular file of at most `limit` bytes: a device such as /dev/zero would
 * be read until the limit for nothing. Not for a stream kmsdb made itself.
 */
export function checkStdin(limit: number, fd = 0): void {
  // Node on Windows reports a pipe on stdin as no kind it knows (measured: the module's pipe was
  // refused as "not a regular file"), and Windows has no endless device such as /dev/zero: there,
  // the size cap of readStream is the bound.
  if (process.platform === 'win32') return;
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch {
    // No standard input at all reads as empty.
    return;
  }
  if (st.isFIFO() || st.isSocket() || isatty(fd)) return;
  if (!st.isFile()) throw new InputError('stdin', 'kind', `is ${kindOf(st)}, not a pipe or a file`);
  if (st.size > limit) throw tooLarge('stdin', limit);
}

/**
 * A stream's bytes, up to `limit`: more is refused as soon as it arrives, and
 * what came so far is held in one buffer that grows by doubling.
 */
export async function readStream(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  let buf = Buffer.allocUnsafe(64 * 1024);
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (length + b.length > limit) throw tooLarge('stdin', limit);
    if (length + b.length > buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, length + b.length), limit));
      buf.copy(grown, 0, 0, length);
      buf = grown;
    }
    b.copy(buf, length);
    length += b.length;
  }
  return buf.subarray(0, length);
}

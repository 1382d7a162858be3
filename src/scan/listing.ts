import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { ExitError, EXIT } from '../cli/errors.js';

/** The record files a path names: a folder and the names of its record files, in order. */
export interface RecordFiles {
  dir: string;
  names: string[];
  /** Names in the folder that are not valid UTF-8, shown with \xNN escapes: they cannot be named, so are not read. */
  undecodable?: string[];
}

/** A path given as a record file that is something else: a FIFO, a device, a folder named like a record. */
export class PathKindError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a record file`);
    this.name = 'PathKindError';
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A name's bytes, valid UTF-8 kept as text and any other byte as \xNN. */
function escapeName(raw: Buffer): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    let n = 1;
    const b = raw[i] as number;
    if (b >= 0xc2 && b <= 0xf4) n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    const piece = raw.subarray(i, i + n);
    const text = piece.toString('utf8');
    if (b < 0x80 || (piece.length === n && !text.includes('\uFFFD') && Buffer.from(text, 'utf8').equals(piece))) {
      out += b < 0x20 ? `\\x${b.toString(16).padStart(2, '0')}` : text;
      i += n;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/**
 * The names in a folder that are not valid UTF-8 (possible on Linux file
 * systems). Node lists them with U+FFFD in place of the bad bytes, which
 * names no file; only then is the folder listed again as bytes to find them.
 */
export function undecodableNames(dir: string): string[] {
  const out: string[] = [];
  for (const raw of readdirSync(dir, { encoding: 'buffer' })) {
    if (isRecordName(raw.toString('latin1')) && !Buffer.from(raw.toString('utf8'), 'utf8').equals(raw)) out.push(escapeName(raw));
  }
  return out.sort();
}

const RECORD_NAME = /\.ini$/i;

export function isRecordName(name: string): boolean {
  return RECORD_NAME.test(name);
}

export function recordPath(files: RecordFiles, name: string): string {
  return files.dir.endsWith(sep) ? files.dir + name : files.dir + sep + name;
}

/**
 * The candidate record files of `path`: every `*.ini` name (any case)
 * directly inside a folder, in name order, or the one file it names. Whether
 * a name is a regular file is settled when it is read (FileReader), which
 * saves a stat per file on a large folder.
 */
export function recordFiles(path: string): RecordFiles {
  const abs = resolve(path);
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (err) {
    const hint = abs.includes('\uFFFD') ? ' (its name holds characters that are not valid UTF-8 here: rename the file)' : '';
    throw new ExitError(EXIT.DATABASE, `The database path ${abs} cannot be read: ${describeFsError(err)}${hint}.`);
  }
  if (st.isFile()) return { dir: dirname(abs), names: [basename(abs)] };
  // A folder named like a record is no database folder: someone meant a file there.
  if (!st.isDirectory() || isRecordName(basename(abs))) throw new PathKindError(abs, kindOf(st));
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch (err) {
    throw new ExitError(EXIT.DATABASE, `The database folder ${abs} cannot be listed: ${describeFsError(err)}.`);
  }
  const files: RecordFiles = { dir: abs, names: names.filter(isRecordName).sort() };
  if (names.some((n) => n.includes('\uFFFD'))) files.undecodable = undecodableNames(abs);
  return files;
}

/** Errors that mean "this name is not a record file" rather than "this record cannot be read". */
export function isNotARecord(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
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

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'access is denied';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EAGAIN':
      return 'it is not a regular file';
    case 'ELOOP':
      return 'it is a symbolic link that leads nowhere or to itself';
    case 'ERR_FS_EISDIR':
      return 'it is a folder';
    default:
      return e?.code ?? (e instanceof Error ? e.message : String(err));
  }
}

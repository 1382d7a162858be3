import { opendirSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { describeFsError, isMissing } from '../fs-errors.js';

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

/** The database path cannot be read, or its folder cannot be listed: nothing of it can be scanned. */
export class DatabaseAccessError extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** The path, or a folder on the way to it, does not exist; not a path that cannot be read. */
    readonly notFound = false,
  ) {
    super(message);
    this.name = 'DatabaseAccessError';
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
  for (let i = 0; i < raw.length;) {
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
function undecodableNames(dir: string): string[] {
  const out: string[] = [];
  for (const raw of readdirSync(dir, { encoding: 'buffer' })) {
    if (isRecordName(raw.toString('latin1')) && !Buffer.from(raw.toString('utf8'), 'utf8').equals(raw)) out.push(escapeName(raw));
  }
  return out.sort();
}

/** How many entries a listing asks the system for at a time. */
const LIST_BATCH = 1024;

/**
 * True for a name that ends in `.ini`, in any ASCII letter case (as /\.ini$/i tests): by character
 * codes, since a listing tests every name in the folder and the regular expression took 0.4 µs a name.
 */
export function isRecordName(name: string): boolean {
  const n = name.length;
  // Setting bit 5 lowers an ASCII capital and leaves its small letter as it is; no other character becomes i or n.
  return (
    n >= 4 &&
    name.charCodeAt(n - 4) === 0x2e &&
    (name.charCodeAt(n - 3) | 0x20) === 0x69 &&
    (name.charCodeAt(n - 2) | 0x20) === 0x6e &&
    (name.charCodeAt(n - 1) | 0x20) === 0x69
  );
}

/** A point in a listing, by the number of record names found, at which to act before the listing goes on. */
export interface ListingHook {
  count: number;
  then(): void;
}

export function recordPath(files: RecordFiles, name: string): string {
  return files.dir.endsWith(sep) ? files.dir + name : files.dir + sep + name;
}

/**
 * The candidate record files of `path`: every `*.ini` name (any case)
 * directly inside a folder, in name order, or the one file it names. Whether
 * a name is a regular file is settled when it is read (FileReader), which
 * saves a stat per file on a large folder. `hook.then` runs once the listing
 * has found `hook.count` names, while it goes on.
 */
export function recordFiles(path: string, hook?: ListingHook): RecordFiles {
  const abs = resolve(path);
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (err) {
    const hint = abs.includes('\uFFFD') ? ' (its name holds characters that are not valid UTF-8 here: rename the file)' : '';
    throw new DatabaseAccessError(abs, `The database path ${abs} cannot be read: ${describeFsError(err)}${hint}.`, isMissing(err));
  }
  if (st.isFile()) return { dir: dirname(abs), names: [basename(abs)] };
  // A folder named like a record is no database folder: someone meant a file there.
  if (!st.isDirectory() || isRecordName(basename(abs))) throw new PathKindError(abs, kindOf(st));
  const files: RecordFiles = { dir: abs, names: [] };
  let undecodable = false;
  try {
    // Entry by entry, not readdirSync, so that the hook can run while a large folder is still being listed.
    const folder = opendirSync(abs, { bufferSize: LIST_BATCH });
    try {
      for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
        const name = entry.name;
        if (!isRecordName(name)) continue;
        if (files.names.push(name) === hook?.count) hook.then();
        if (name.includes('\uFFFD')) undecodable = true;
      }
    } finally {
      folder.closeSync();
    }
  } catch (err) {
    throw new DatabaseAccessError(abs, `The database folder ${abs} cannot be listed: ${describeFsError(err)}.`);
  }
  files.names.sort();
  if (undecodable) files.undecodable = undecodableNames(abs);
  return files;
}

import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ExitError, EXIT } from '../cli/errors.js';

/** A record file to read: its absolute path and its name. */
export interface RecordFile {
  path: string;
  name: string;
}

const RECORD_NAME = /\.ini$/i;

export function isRecordName(name: string): boolean {
  return RECORD_NAME.test(name);
}

/**
 * The record files that `path` names: every `*.ini` (any case) directly
 * inside a folder, in name order, or the one file it names.
 */
export function recordFiles(path: string): RecordFile[] {
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (err) {
    throw new ExitError(EXIT.DATABASE, `The database path ${abs} cannot be read: ${describeFsError(err)}.`);
  }
  if (!isDir) return [{ path: abs, name: basename(abs) }];
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (err) {
    throw new ExitError(EXIT.DATABASE, `The database folder ${abs} cannot be listed: ${describeFsError(err)}.`);
  }
  const files: RecordFile[] = [];
  for (const e of entries) {
    if (!isRecordName(e.name)) continue;
    if (e.isFile() || (e.isSymbolicLink() && isFileBehindLink(join(abs, e.name)))) files.push({ path: join(abs, e.name), name: e.name });
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return files;
}

function isFileBehindLink(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface FileContent {
  bytes: Buffer;
  mtime: Date;
}

/**
 * Reads whole files with one open each, so bytes and time belong together.
 * The bytes it returns live in a scratch buffer that the next read reuses:
 * copy them to keep them.
 */
export class FileReader {
  private scratch = Buffer.allocUnsafe(64 * 1024);

  read(path: string): FileContent {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      // Read exactly the size fstat gave: the bytes then match the time, and a
      // file changed meanwhile is caught later by its hash.
      if (this.scratch.length < st.size) this.scratch = Buffer.allocUnsafe(st.size);
      let length = 0;
      while (length < st.size) {
        const got = readSync(fd, this.scratch, length, st.size - length, null);
        if (got === 0) break;
        length += got;
      }
      return { bytes: this.scratch.subarray(0, length), mtime: st.mtime };
    } finally {
      closeSync(fd);
    }
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
    default:
      return e?.code ?? (e instanceof Error ? e.message : String(err));
  }
}

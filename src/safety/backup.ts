import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, readSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createFileWith, linkNew } from './atomic.js';
import { openChecked } from './checked-write.js';
import { fsyncDir, removeFile, removeLeftovers, uniqueTag } from './fsutil.js';
import { makePrivateFolder } from './private-folder.js';

/** The default backup folder: a sibling of the database folder, so that no backup sits among the records. */
export function defaultBackupDir(dbDir: string): string {
  return join(dirname(dbDir), `${basename(dbDir)}.kmsdb-backup`);
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** The longest name a file may have: 255 bytes of UTF-8 on Linux, 255 UTF-16 units on NTFS. */
const NAME_MAX = 255;
/** What a backup's name adds to its base: `.20261125T072300123Z-99.bak`, with room for the counter. */
const STAMP_ROOM = '.20261125T072300123Z-9999.bak'.length;

/**
 * The base of a record's backup names: the record's own name, or, where that
 * name with the time stamp would be longer than a file name may be, as much of
 * it as fits, `~`, 16 hex digits of its hash and `.ini`, so that each record still has
 * backups of its own and the backup check can tell them apart.
 */
export function backupBaseName(recordName: string): string {
  const fits = (name: string) => Buffer.byteLength(name) + STAMP_ROOM <= NAME_MAX && name.length + STAMP_ROOM <= NAME_MAX;
  if (fits(recordName)) return recordName;
  const tag = `~${createHash('sha256').update(recordName).digest('hex').slice(0, 16)}.ini`;
  let prefix = '';
  for (const ch of recordName) {
    if (!fits(prefix + ch + tag)) break;
    prefix += ch;
  }
  return prefix + tag;
}

/**
 * The record file name a backup was made of: `Mx.ini.20261125T072300123Z-2.bak` → `Mx.ini`.
 * Any name a record can have, line breaks included, comes back whole.
 */
export function backupRecordName(backupPath: string): string | null {
  const m = /^(.+)\.\d{8}T\d{9}Z(?:-\d+)?\.bak$/is.exec(basename(backupPath));
  return m ? (m[1] ?? null) : null;
}

/** Reads a file through an open handle, one byte beyond `expected` so that a longer file shows. */
function readThrough(fd: number, expected: number): Buffer {
  const buf = Buffer.alloc(expected + 1);
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/**
 * Writes a backup of a record's bytes under a name that is new: an existing
 * backup is never overwritten. The bytes go to a temp file first and are
 * linked into place, so a backup under its final name is always complete.
 * The backup is read back through a handle that is proven to be the file
 * written, with no other name, and compared before its path is returned.
 */
export function writeBackup(backupDir: string, recordName: string, bytes: Buffer, now: Date = new Date()): string {
  makePrivateFolder(backupDir);
  const temp = join(backupDir, `.${backupBaseName(recordName)}.${uniqueTag()}.partial`);
  const written = createFileWith(temp, bytes, 0o600);
  let path: string | undefined;
  try {
    const base = `${backupBaseName(recordName)}.${stamp(now)}`;
    for (let n = 0; path === undefined; n++) {
      const candidate = join(backupDir, n === 0 ? `${base}.bak` : `${base}-${n}.bak`);
      const linked = linkNew(temp, candidate);
      if (linked === 'taken') continue;
      if (linked === 'unsupported') {
        // Rename instead. The database lock keeps other kmsdb runs from racing for the same name.
        if (existsSync(candidate)) continue;
        renameSync(temp, candidate);
      }
      path = candidate;
    }
  } finally {
    removeFile(temp);
  }
  fsyncDir(backupDir);
  const fd = openChecked(path, { flags: constants.O_RDONLY, expect: written, oneLink: true });
  try {
    if (fstatSync(fd).size !== bytes.length || !readThrough(fd, bytes.length).equals(bytes))
      throw new Error(`the backup ${path} does not read back as written`);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Removes the .partial files that killed or failed runs left in a backup folder (see writeBackup). */
export function removeBackupLeftovers(backupDir: string): void {
  removeLeftovers(backupDir, /^\..*\.ini\.(\d+)-[0-9a-f]{8}\.partial$/is);
}

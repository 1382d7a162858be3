import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createFileWith, linkNew } from './atomic.js';
import { fsyncDir, removeLeftovers, uniqueTag } from './fsutil.js';

/** The default backup folder: a sibling of the database folder, so that no backup sits among the records. */
export function defaultBackupDir(dbDir: string): string {
  return join(dirname(dbDir), `${basename(dbDir)}.kmsdb-backup`);
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** The record file name a backup was made of: `Mx.ini.20261125T072300123Z-2.bak` → `Mx.ini`. */
export function backupRecordName(backupPath: string): string | null {
  const m = /^(.+)\.\d{8}T\d{9}Z(?:-\d+)?\.bak$/i.exec(basename(backupPath));
  return m ? (m[1] ?? null) : null;
}

/**
 * Writes a backup of a record's bytes under a name that is new: an existing
 * backup is never overwritten. The bytes go to a temp file first and are
 * linked into place, so a backup under its final name is always complete.
 * The backup is read back and compared before its path is returned.
 */
export function writeBackup(backupDir: string, recordName: string, bytes: Buffer, now: Date = new Date()): string {
  mkdirSync(backupDir, { recursive: true });
  const temp = join(backupDir, `.${recordName}.${uniqueTag()}.partial`);
  createFileWith(temp, bytes, 0o600);
  try {
    const base = `${recordName}.${stamp(now)}`;
    for (let n = 0; ; n++) {
      const path = join(backupDir, n === 0 ? `${base}.bak` : `${base}-${n}.bak`);
      const linked = linkNew(temp, path);
      if (linked === 'taken') continue;
      if (linked === 'unsupported') {
        // Rename instead. The database lock keeps other kmsdb runs from racing for the same name.
        if (existsSync(path)) continue;
        renameSync(temp, path);
      }
      fsyncDir(backupDir);
      if (!readFileSync(path).equals(bytes)) throw new Error(`the backup ${path} does not read back as written`);
      return path;
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Removes the .partial files that killed or failed runs left in a backup folder (see writeBackup). */
export function removeBackupLeftovers(backupDir: string): void {
  removeLeftovers(backupDir, /^\..+\.ini\.(\d+)-[0-9a-f]{8}\.partial$/i);
}

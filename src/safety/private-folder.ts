import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who may open a folder that kmsdb makes on Windows, inherited by every file
 * in it: Administrators, SYSTEM, and OWNER RIGHTS, so that whoever made a
 * file (an admin without elevation is such an owner) keeps full use of it.
 */
const WINDOWS_GRANTS = ['*S-1-5-32-544:(OI)(CI)F', '*S-1-5-18:(OI)(CI)F', '*S-1-3-4:(OI)(CI)F'];

/** A folder that kmsdb made but could not make private: it holds nothing yet, and is taken away again. */
export class PrivateFolderError extends Error {
  constructor(dir: string, why: string) {
    super(`the folder ${dir} was made, but its access could not be limited to its owner and the administrators (${why})`);
    this.name = 'PrivateFolderError';
  }
}

function restrictOnWindows(dir: string): void {
  // By its full path, so that no icacls.exe in the current folder or on PATH runs instead.
  const icacls = join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'icacls.exe');
  const r = spawnSync(icacls, [dir, '/inheritance:r', '/grant:r', ...WINDOWS_GRANTS], {
    windowsHide: true,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `icacls exited with ${r.status ?? r.signal ?? 'nothing'}`;
    throw new PrivateFolderError(dir, why);
  }
}

/**
 * Makes a folder for copies of key material (backups, the audit log), with
 * any missing parents, readable by its owner and the administrators only:
 * 0700 on Linux, a DACL of its own on Windows. A folder that exists is left
 * as it is (see folderReadableByOthers).
 */
export function makePrivateFolder(dir: string): void {
  const made = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (made === undefined || process.platform !== 'win32') return;
  // Node names the folder it made in the \\?\ form, which not every Windows tool takes.
  const first = made.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\\?\\/, '');
  try {
    restrictOnWindows(first);
  } catch (err) {
    try {
      rmdirSync(first, { recursive: false });
    } catch {
      // Not empty or gone: the error below says what matters.
    }
    throw err;
  }
}

/**
 * The mode of an existing folder that users other than its owner may open
 * (group or others have any right), or null. Linux only: Node cannot read a
 * Windows ACL.
 */
export function folderReadableByOthers(dir: string): number | null {
  if (process.platform === 'win32') return null;
  try {
    const st = statSync(dir);
    return st.isDirectory() && (st.mode & 0o077) !== 0 ? st.mode & 0o777 : null;
  } catch {
    return null;
  }
}

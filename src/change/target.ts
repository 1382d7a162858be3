import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { describeFsError } from '../fs-errors.js';
import { isRecordName } from '../scan/listing.js';

/** A record file a change may touch: resolved, directly inside the database folder. */
export interface Target {
  /** The path as requested, made absolute. */
  requested: string;
  /** The real path, symlinks resolved. */
  path: string;
  name: string;
}

export interface TargetRefusal {
  requested: string;
  code: 'not-found' | 'not-a-record' | 'outside-database';
  message: string;
}

/** A path as the platform's file system tells paths apart: without letter case on Windows. */
export function pathKey(path: string): string {
  return process.platform === 'win32' ? path.toLowerCase() : path;
}

/** Compares paths (or file names) as the platform's file system does. */
export function samePath(a: string, b: string): boolean {
  return pathKey(a) === pathKey(b);
}

/**
 * Resolves a requested record path against the real database folder. A
 * relative path is taken inside the folder. Symlinks are resolved, and only a
 * regular `*.ini` file whose real parent is the folder itself passes.
 */
export function resolveTarget(dbReal: string, requested: string): Target | TargetRefusal {
  const abs = isAbsolute(requested) ? resolve(requested) : resolve(dbReal, requested);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (err) {
    let parent = dirname(abs);
    try {
      parent = realpathSync(parent);
    } catch {
      // A missing folder is outside the database either way.
    }
    if (!samePath(parent, dbReal)) {
      return { requested: abs, code: 'outside-database', message: `${abs} is not directly inside the database folder ${dbReal}.` };
    }
    return { requested: abs, code: 'not-found', message: `The record file ${abs} cannot be found: ${describeFsError(err)}.` };
  }
  if (!samePath(dirname(real), dbReal)) {
    const via = real === abs ? '' : ` (it leads to ${real})`;
    return { requested: abs, code: 'outside-database', message: `${abs} is not directly inside the database folder ${dbReal}${via}.` };
  }
  const name = basename(real);
  let isFile: boolean;
  try {
    isFile = statSync(real).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile || !isRecordName(name)) {
    return { requested: abs, code: 'not-a-record', message: `${abs} is not a record file (*.ini).` };
  }
  return { requested: abs, path: real, name };
}

export function isRefusal(t: Target | TargetRefusal): t is TargetRefusal {
  return 'code' in t;
}

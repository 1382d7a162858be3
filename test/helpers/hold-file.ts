import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './db.js';

const SOURCE = join(ROOT, 'test/helpers/hold-file.c');

/**
 * hold-file.exe, built from hold-file.c with mingw-w64 into .cache: a Windows
 * program that holds a file open with the sharing that KMS, backup software or
 * antivirus would use. Throws when it cannot be built.
 */
export function holdFileExe(): string {
  const exe = join(ROOT, '.cache', 'hold-file.exe');
  if (existsSync(exe) && statSync(exe).mtimeMs >= statSync(SOURCE).mtimeMs) return exe;
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const cc = spawnSync('x86_64-w64-mingw32-gcc', ['-municode', '-O2', '-o', exe, SOURCE], { encoding: 'utf8', timeout: 60_000 });
  if (cc.error || cc.status !== 0) {
    const why = cc.error
      ? 'x86_64-w64-mingw32-gcc is missing (apt-get install -y gcc-mingw-w64-x86-64)'
      : `hold-file.c did not compile: ${cc.stderr}`;
    throw new Error(why);
  }
  return exe;
}

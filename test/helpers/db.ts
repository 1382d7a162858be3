import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

import { ROOT } from './root.js';

export { ROOT };

export const LINUX_EXE = join(ROOT, 'dist/KmsEnrollment/bin/linux-x64/kmsdb');
export const WINDOWS_EXE = join(ROOT, 'dist/KmsEnrollment/bin/win-x64/kmsdb.exe');

/**
 * The kmsdb the end-to-end tests run: the built Linux executable, or what
 * KMSDB_BIN names (`KMSDB_BIN=dist/kmsdb.cjs` runs the bundle under this node).
 */
export const KMSDB: string[] = (() => {
  const chosen = process.env.KMSDB_BIN ? resolve(process.env.KMSDB_BIN) : LINUX_EXE;
  if (!existsSync(chosen)) throw new Error(`${chosen} is missing: run npm run build first (npm test does).`);
  return chosen.endsWith('.cjs') ? [process.execPath, chosen] : [chosen];
})();

const made: string[] = [];
// Removing the large-folder tests' 150,000 files took over 2 minutes on a loaded machine whose
// file system discards each freed block (ext4 -o discard); the cleanup proves nothing, so it may take long.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}, 600_000);

export function tempDir(prefix = 'kmsdb-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** ANSI (Windows-1252) bytes of a string of Latin-1 range characters. */
export function ansi(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** UTF-16LE bytes with the BOM, as Windows writes a Unicode profile. */
export function utf16(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** A database folder (…/Mgrent/Clients) holding the given files; strings are written as ANSI. */
export function makeDb(files: Record<string, string | Buffer>): string {
  const dir = join(tempDir(), 'Mgrent', 'Clients');
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (name.endsWith('/')) mkdirSync(path, { recursive: true });
    else writeFileSync(path, typeof content === 'string' ? ansi(content) : content);
  }
  return dir;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runKmsdb(args: string[], options: { stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn(cmd, [...pre, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

export function ndjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

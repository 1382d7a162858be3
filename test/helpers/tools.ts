import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { IN_CI } from '../../scripts/lib/ci.mjs';
import { ROOT } from './db.js';

export { IN_CI };

/**
 * The test cannot check what it is for, because of `why`: under CI that fails it; elsewhere it is
 * skipped, loudly, with the reason as the skip's note, so that the report counts it as a skip.
 */
export function cannotRun(ctx: TestContext, why: string): never {
  if (IN_CI) throw new Error(why);
  console.warn(`\n!!! NOT CHECKED: ${ctx.task.name}: ${why} !!!\n`);
  return ctx.skip(why);
}

/** Skips the test, loudly, when a program it needs is missing; under CI the test fails instead. */
export function needTools(ctx: TestContext, tools: Array<{ cmd: string; args?: string[]; pkg: string }>): void {
  for (const t of tools) {
    const r = spawnSync(t.cmd, t.args ?? ['--version'], { stdio: 'ignore', timeout: 60_000 });
    if (r.error === undefined && r.status === 0) continue;
    cannotRun(ctx, `${t.cmd} is missing (apt-get install -y ${t.pkg})`);
  }
}

/** The pwsh that npm test installs into .tools, else one on the PATH. */
export function pwshPath(): string {
  const local = join(ROOT, '.tools', process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
  return existsSync(local) ? local : 'pwsh';
}

/** Every file under an extracted archive, by its path relative to `dir`, with `/`. */
export function unzipTo(archive: string, dir: string): void {
  // Python's zipfile checks every CRC on the way.
  const r = spawnSync(
    'python3',
    ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])', archive, dir],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${archive} did not extract: ${r.stderr}`);
}

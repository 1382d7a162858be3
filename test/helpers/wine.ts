import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root.js';

export interface Wine {
  run(args: string[], stdoutFile: string, extraEnv?: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string };
}

/**
 * A wine with its own Windows 10 prefix for running kmsdb.exe, or the reason
 * there is none. Node refuses to start on the Windows 7 that a new prefix
 * reports, and pipes fail under wine, so every standard stream is a file.
 */
export function setUpWine(): Wine | string {
  if (spawnSync('wine', ['--version']).status !== 0) return 'wine is not installed (apt-get install -y wine64)';
  const prefix = join(ROOT, '.cache', 'wine-prefix');
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' };
  if (!existsSync(join(prefix, '.kmsdb-win10'))) {
    mkdirSync(prefix, { recursive: true });
    spawnSync('wine', ['wineboot', '-i'], { env, stdio: 'ignore', timeout: 180_000 });
    const reg = spawnSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], { env, stdio: 'ignore', timeout: 60_000 });
    if (reg.status !== 0) return `the wine prefix ${prefix} could not be set to Windows 10`;
    closeSync(openSync(join(prefix, '.kmsdb-win10'), 'w'));
  }
  return {
    run(args, stdoutFile, extraEnv = {}) {
      const stderrFile = `${stdoutFile}.stderr`;
      const fds = [openSync('/dev/null', 'r'), openSync(stdoutFile, 'w'), openSync(stderrFile, 'w')];
      try {
        const r = spawnSync('wine', args, { env: { ...env, ...extraEnv }, stdio: fds, timeout: 120_000 });
        return { code: r.status, stdout: readFileSync(stdoutFile, 'utf8'), stderr: readFileSync(stderrFile, 'utf8') };
      } finally {
        for (const fd of fds) closeSync(fd);
      }
    },
  };
}

/** The Windows view of a Linux path under wine's Z: drive. */
export function winePath(path: string): string {
  return `Z:${path.replace(/\//g, '\\')}`;
}

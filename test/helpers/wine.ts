import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { IN_CI } from '../../scripts/lib/ci.mjs';
import { ensureWinePrefix, wineEnv, winePath } from '../../scripts/lib/wine.mjs';

export { winePath };

export interface Wine {
  run(args: string[], stdoutFile: string, extraEnv?: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string };
  /** Starts a Windows program that runs alongside (no standard streams); the caller ends it. */
  start(args: string[]): ChildProcess;
}

/**
 * A wine for running kmsdb.exe in the project's Windows 10 prefix, or the reason there is none.
 * Under CI there must be one: a check that cannot run fails the run instead of skipping.
 * Pipes fail under wine, so every standard stream is a file.
 */
export function setUpWine(): Wine | string {
  const reason = ensureWinePrefix();
  if (reason !== null) {
    if (IN_CI) throw new Error(`The Windows executable cannot be checked under CI: ${reason}`);
    return reason;
  }
  return {
    run(args, stdoutFile, extraEnv = {}) {
      const stderrFile = `${stdoutFile}.stderr`;
      const fds = [openSync('/dev/null', 'r'), openSync(stdoutFile, 'w'), openSync(stderrFile, 'w')];
      try {
        const r = spawnSync('wine', args, { env: wineEnv(extraEnv), stdio: fds, timeout: 120_000 });
        return { code: r.status, stdout: readFileSync(stdoutFile, 'utf8'), stderr: readFileSync(stderrFile, 'utf8') };
      } finally {
        for (const fd of fds) closeSync(fd);
      }
    },
    start(args) {
      return spawn('wine', args, { env: wineEnv(), stdio: 'ignore' });
    },
  };
}

// The wine that the Windows checks run under: one prefix for the project, set to Windows 10,
// shared by the executable tests and the Windows lane.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
export const WINE_PREFIX = join(ROOT, '.cache', 'wine-prefix');
const READY = join(WINE_PREFIX, '.kmsdb-win10');

/** The environment every wine call gets: the project's prefix, and no debug chatter. */
export function wineEnv(extra = {}) {
  return { ...process.env, WINEPREFIX: WINE_PREFIX, WINEDEBUG: '-all', ...extra };
}

/**
 * Makes the prefix once and sets it to Windows 10: Node 22 refuses to start on the Windows 7
 * that a new prefix reports. Returns null when it is ready, else the reason it is not.
 */
export function ensureWinePrefix() {
  if (spawnSync('wine', ['--version'], { stdio: 'ignore' }).status !== 0) return 'wine is not installed (apt-get install -y wine wine64)';
  if (existsSync(READY)) return null;
  mkdirSync(WINE_PREFIX, { recursive: true });
  const env = wineEnv();
  spawnSync('wine', ['wineboot', '-i'], { env, stdio: 'ignore', timeout: 240_000 });
  const reg = spawnSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], {
    env,
    stdio: 'ignore',
    timeout: 60_000,
  });
  spawnSync('wineserver', ['-w'], { env, stdio: 'ignore', timeout: 60_000 });
  if (reg.status !== 0) return `the wine prefix ${WINE_PREFIX} could not be set to Windows 10`;
  closeSync(openSync(READY, 'w'));
  return null;
}

/** The Windows view of an absolute Linux path, through wine's Z: drive. */
export function winePath(path) {
  return `Z:${resolve(path).replace(/\//g, '\\')}`;
}

// ZIP archives for npm run pack, written by yazl. They are reproducible: their bytes depend on the
// entries' names and contents only. Every entry gets one mtime (sourceDate) and a fixed mode, so
// neither the clock, the umask, the checkout's file times nor the time zone reaches the archive.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import yazl from 'yazl';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The time every entry carries: SOURCE_DATE_EPOCH (seconds) when set, as reproducible-builds.org
 * asks, else the time of the commit being built, else 1980-01-01, the first time a ZIP can hold.
 */
export function sourceDate() {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970, not '${epoch}'`);
    return new Date(Number(epoch) * 1000);
  }
  try {
    const seconds = execFileSync('git', ['log', '-1', '--format=%ct'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (/^\d+$/.test(seconds)) return new Date(Number(seconds) * 1000);
  } catch {
    // Not a git checkout (a source archive): the fixed date below.
  }
  return new Date(Date.UTC(1980, 0, 1));
}

/**
 * The bytes of a ZIP archive of `entries` (`{ name, data, executable }`, names with forward
 * slashes), each stamped with `mtime`. Modes are 0755 for executables and 0644 otherwise, so the
 * Linux kmsdb keeps its exec bit whatever umask the checkout had.
 */
export function zip(entries, mtime) {
  // yazl writes the DOS time fields in the process's time zone: the same instant gives other
  // bytes in another zone. UTC makes them the same wherever the build runs; a ZIP's DOS time has
  // no zone anyway, and the extended-timestamp field yazl adds beside it is UTC.
  if (new Date(mtime).getTimezoneOffset() !== 0) throw new Error('zip() needs TZ=UTC (set process.env.TZ first)');
  const archive = new yazl.ZipFile();
  for (const entry of entries) {
    archive.addBuffer(entry.data, entry.name, { mtime, mode: entry.executable ? 0o100755 : 0o100644, compress: true });
  }
  archive.end();
  return new Promise((resolvePromise, reject) => {
    const chunks = [];
    archive.outputStream.on('data', (chunk) => chunks.push(chunk));
    archive.outputStream.on('error', reject);
    archive.outputStream.on('end', () => resolvePromise(Buffer.concat(chunks)));
  });
}

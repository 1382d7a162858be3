// What kmsdb reads, besides the records of a scan, is read through one bounded
// reader (src/input/bounded.ts). These tests hold the class to it: every input
// (the settings file by --config and by KMSDB_CONFIG, the lock, an audit log
// to restore from and the one restore checks backups against, stdin, a backup)
// is given each hostile kind of file (a FIFO, /dev/zero, a huge sparse file),
// and each is refused in one line with its documented exit code, at once and
// in flat memory.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import { EXIT } from '../../src/cli/errors.js';
import { KMSDB, makeDb, ndjson, tempDir } from '../helpers/db.js';

const STUCK = (who: string) => `[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=${who}\r\nState = 4\r\n`;
const backupDirOf = (dir: string) => join(dirname(dir), `${basename(dir)}.kmsdb-backup`);

/** What a run of kmsdb is allowed at most: well above Node's own footprint, far below what reading any of these inputs whole takes. */
const PEAK_KIB = 160 * 1024;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  peakKiB: number;
}

/**
 * Runs kmsdb under /usr/bin/time, killing it after `ms` (code null: it was
 * still running). `stdin` is text, an open file descriptor, or a process
 * whose output is piped in.
 */
function run(ms: number, args: string[], options: { stdin?: string | number | ChildProcess; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const stdin = options.stdin;
    const stdio: StdioOptions = [
      typeof stdin === 'number' ? stdin : typeof stdin === 'object' ? (stdin.stdout ?? 'pipe') : 'pipe',
      'pipe',
      'pipe',
    ];
    const child = spawn('/usr/bin/time', ['-f', 'PEAK %M', cmd, ...pre, ...args], {
      stdio,
      detached: true,
      env: { ...process.env, KMSDB_CONFIG: '', ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      const peak = /PEAK (\d+)\s*$/.exec(stderr);
      resolvePromise({
        code: killed ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: stderr.replace(/(Command (exited with non-zero status|terminated by signal) \d+\n)?PEAK \d+\s*$/, ''),
        peakKiB: peak ? Number(peak[1]) : 0,
      });
    });
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(typeof stdin === 'string' ? stdin : '');
    }
  });
}

/** The hostile kinds of file, each made at `path`. */
const HOSTILE = {
  'a FIFO': (path: string) => execFileSync('mkfifo', [path]),
  // A link, as an attacker who cannot make devices would plant it.
  '/dev/zero': (path: string) => symlinkSync('/dev/zero', path),
  'a 1 GiB sparse file': (path: string) => {
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 1024 ** 3);
    closeSync(fd);
  },
} as const;
type Hostile = keyof typeof HOSTILE;
const KINDS = Object.keys(HOSTILE) as Hostile[];

/** One kmsdb error line, and nothing else, on stderr. */
function expectOneLine(stderr: string, message: RegExp): void {
  expect(stderr).toMatch(/^kmsdb: [^\n]*\n$/);
  expect(stderr).toMatch(message);
}

const REFUSED = /is a FIFO \(named pipe\), not a regular file|is a character device, not a regular file|is larger than \d+ (MiB|KiB|bytes)/;

describe.each(KINDS)('%s is refused wherever kmsdb reads a file', (kind) => {
  const plant = (path: string) => HOSTILE[kind](path);

  it('as the settings file, through --config and through KMSDB_CONFIG', async () => {
    const file = join(tempDir(), 'kmsdb.ini');
    plant(file);
    for (const r of [
      await run(20_000, ['get', '--config', file]),
      await run(20_000, ['get'], { env: { KMSDB_CONFIG: file } }),
      await run(20_000, ['reset', '--id', 'Ma', '--config', file]),
    ]) {
      expect(r.code).toBe(EXIT.USAGE);
      expectOneLine(r.stderr, new RegExp(`^kmsdb: settings file ${file.replace(/[/.]/g, '\\$&')} (${REFUSED.source})`));
      expect(r.peakKiB).toBeLessThan(PEAK_KIB);
    }
  });

  it('as the lock file, and the run ends with its exit code and leaves it', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const lock = join(dir, '.kmsdb.lock');
    plant(lock);
    const r = await run(20_000, ['reset', '--path', dir, '--id', 'Ma', '--wait', '0']);
    // What is no file cannot be locked (3); a file that is no lock kmsdb wrote is another run's, until it is old (4).
    expect(r.code).toBe(kind === 'a 1 GiB sparse file' ? EXIT.LOCKED : EXIT.DATABASE);
    expectOneLine(r.stderr, kind === 'a 1 GiB sparse file' ? /The database is locked \(/ : /cannot be locked: .*not a kmsdb lock file/);
    expect(r.peakKiB).toBeLessThan(PEAK_KIB);
    expect(existsSync(lock)).toBe(true);
  });

  it('as the audit log restore --from-log reads', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const log = join(tempDir(), 'audit.log');
    plant(log);
    const r = await run(20_000, ['restore', '--path', dir, '--from-log', log]);
    expect(r.code).toBe(EXIT.USAGE);
    expectOneLine(r.stderr, new RegExp(`^kmsdb: restore: the audit log ${log.replace(/[/.]/g, '\\$&')} (${REFUSED.source})`));
    expect(r.peakKiB).toBeLessThan(PEAK_KIB);
  });

  it('as the audit log a restore checks its backups against', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const log = join(tempDir(), 'audit.log');
    plant(log);
    const backup = join(backupDirOf(dir), 'Ma.ini.20260101T000000000Z.bak');
    mkdirSync(dirname(backup), { recursive: true });
    writeFileSync(backup, STUCK('a'));
    for (const r of [
      await run(20_000, ['restore', '--path', dir, '--backup', backup, '--log', log]),
      await run(20_000, ['restore', '--path', dir, '--stdin', '--log', log], { stdin: JSON.stringify({ backupPath: backup }) }),
    ]) {
      expect(r.code).toBe(EXIT.USAGE);
      // A log path that is no file is refused before it is read (a link is never followed to the log).
      expectOneLine(
        r.stderr,
        new RegExp(`${log.replace(/[/.]/g, '\\$&')} (${REFUSED.source}|is not a regular file|is a symbolic link|is not a kmsdb audit log)`),
      );
      expect(r.peakKiB).toBeLessThan(PEAK_KIB);
    }
  });

  it('as a backup to restore: that record is refused, and nothing is read', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const backup = join(backupDirOf(dir), 'Ma.ini.20260101T000000000Z.bak');
    // Private, as kmsdb makes it: a folder others can open gets a warning of its own.
    mkdirSync(dirname(backup), { recursive: true, mode: 0o700 });
    plant(backup);
    const r = await run(20_000, ['restore', '--path', dir, '--backup', backup, '--format', 'ndjson']);
    expect(r.code).toBe(EXIT.REFUSED);
    const [result] = ndjson<ChangeResult>(r.stdout);
    // A link to /dev/zero leads out of the backup folder; the others are no file a backup can be.
    expect(result).toMatchObject({ status: 'failed', code: kind === '/dev/zero' ? 'backup-outside' : 'backup-not-a-record' });
    expect(r.stderr).toBe('');
    expect(r.peakKiB).toBeLessThan(PEAK_KIB);
  });
});

describe('stdin is a pipe or a file, and holds at most what a request may', () => {
  const tooLarge = /^kmsdb: stdin holds more than 128 MiB; send the records in smaller batches\.\n$/;

  it.each([
    ['reset --stdin', ['reset', '--stdin']],
    ['restore --stdin', ['restore', '--stdin']],
    ['--request -', ['--request', '-']],
  ])('%s refuses /dev/zero before reading it', async (_, args) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const fd = openSync('/dev/zero', 'r');
    try {
      const request = args[0] === '--request';
      const r = await run(20_000, [...args, ...(request ? [] : ['--path', dir])], { stdin: fd });
      expect(r.code).toBe(EXIT.USAGE);
      // A request's last stderr line says which exit code kmsdb chose.
      expectOneLine(
        request ? r.stderr.replace(/\{"type":"exit","code":2\}\n$/, '') : r.stderr,
        /^kmsdb: stdin is a character device, not a pipe or a file; pipe the input into kmsdb\.\n$/,
      );
      expect(r.peakKiB).toBeLessThan(PEAK_KIB);
    } finally {
      closeSync(fd);
    }
  });

  it('refuses a 1 GiB sparse file before reading it', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const file = join(tempDir(), 'records.ndjson');
    HOSTILE['a 1 GiB sparse file'](file);
    const fd = openSync(file, 'r');
    try {
      const r = await run(20_000, ['reset', '--path', dir, '--stdin'], { stdin: fd });
      expect(r.code).toBe(EXIT.USAGE);
      expectOneLine(r.stderr, tooLarge);
      expect(r.peakKiB).toBeLessThan(PEAK_KIB);
    } finally {
      closeSync(fd);
    }
  });

  it('stops reading a pipe that never ends at the limit', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const endless = spawn('yes', ['{"path":"Ma.ini"}'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const r = await run(30_000, ['reset', '--path', dir, '--stdin'], { stdin: endless });
      expect(r.code).toBe(EXIT.USAGE);
      expectOneLine(r.stderr, tooLarge);
      // The limit itself, once, and no more.
      expect(r.peakKiB).toBeLessThan(128 * 1024 + PEAK_KIB);
    } finally {
      endless.kill();
    }
  });

  it('restore --stdin with 16 MiB of lines that are not JSON names line 1 in flat memory', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const r = await run(20_000, ['restore', '--path', dir, '--stdin'], { stdin: 'x\n'.repeat(8 * 1024 * 1024) });
    expect(r.code).toBe(EXIT.USAGE);
    expectOneLine(r.stderr, /^kmsdb: stdin line 1 is not JSON: expected what kmsdb reset prints\.\n$/);
    expect(r.peakKiB).toBeLessThan(PEAK_KIB);
  });
});

describe('an audit log is read a line at a time', () => {
  it('restore --from-log over 136 MiB of blank lines finds nothing to restore, at once and in flat memory', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const log = join(tempDir(), 'audit.log');
    writeFileSync(log, Buffer.alloc(136 * 1024 * 1024, '\n'));
    const r = await run(30_000, ['restore', '--path', dir, '--from-log', log, '--format', 'ndjson']);
    // A log that names no record of the database says so, as a refusal.
    expect(r.code).toBe(EXIT.REFUSED);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.path, x.code])).toEqual([[dir, 'not-logged']]);
    expect(r.stderr).toBe('');
    expect(r.peakKiB).toBeLessThan(PEAK_KIB);
  });

  it('a line longer than any entry is refused by its number, without holding the rest', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const log = join(tempDir(), 'audit.log');
    writeFileSync(log, `\n\n${'x'.repeat(64 * 1024 * 1024)}\n`);
    const r = await run(30_000, ['restore', '--path', dir, '--from-log', log]);
    expect(r.code).toBe(EXIT.USAGE);
    expectOneLine(r.stderr, /^kmsdb: restore: line 3 of .* is not an audit entry: it is longer than 1 MiB; nothing was restored\.\n$/);
    expect(r.peakKiB).toBeLessThan(PEAK_KIB);
  });
});

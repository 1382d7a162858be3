// Writes that would land somewhere else, through the CLI: each case was a way
// past the checks that a second hostile-input round found (issue 25).
import { spawn } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KMSDB, makeDb, tempDir, WINDOWS_EXE, type RunResult } from '../helpers/db.js';
import { setUpWine, winePath } from '../helpers/wine.js';
import { backupDirOf, logOf, runChange, snapshot, STUCK } from '../helpers/change.js';

const lockOf = (dir: string) => join(dir, '.kmsdb.lock');

/** Starts kmsdb and collects its output; the caller does something while it runs. */
function start(args: string[]): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

describe.skipIf(process.platform === 'win32')('kmsdb writes only where it checked', () => {
  it('a backup folder swapped for a link into the database while reset waits for the lock: nothing is written', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    const backups = backupDirOf(dir);
    writeFileSync(lockOf(dir), JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'reset' }));
    const run = start(['reset', '--path', dir, '--id', 'Ma', '--wait', '20', '--format', 'ndjson']);
    // The run checked its folders and now waits for the lock this test holds.
    await sleep(1500);
    symlinkSync(dir, backups);
    unlinkSync(lockOf(dir));
    const r = await run;
    expect(r.stderr).toMatch(/^kmsdb: reset: the default backup folder must not be the database folder nor be inside it/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['Ma.ini', 'Mb.ini']);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });

  it('an audit log hard-linked to a record: the line is never appended into the record', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    const log = join(dir, '..', 'audit.log');
    linkSync(join(dir, 'Mb.ini'), log);
    const before = snapshot(dir);
    const r = await runChange(['reset', '--path', dir, '--id', 'Ma', '--log', log]);
    expect(r.stderr).toMatch(/has another name \(a hard link\)/);
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it("reset --log naming one of kmsdb's own backups never appends to it", async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    const first = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const backup = first.results[0]?.backupPath as string;
    const backupBytes = readFileSync(backup);
    const r = await runChange(['reset', '--path', dir, '--id', 'Mb', '--log', backup]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is named as a kmsdb backup/);
    expect(readFileSync(backup)).toEqual(backupBytes);
    expect(readFileSync(join(dir, 'Mb.ini'), 'latin1')).toBe(STUCK);

    // Renamed, it is still no log: its first line is not an audit entry.
    const renamed = join(backupDirOf(dir), 'renamed.log');
    renameSync(backup, renamed);
    const again = await runChange(['reset', '--path', dir, '--id', 'Mb', '--log', renamed]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not a kmsdb audit log/);
    expect(readFileSync(renamed)).toEqual(backupBytes);
  });

  it('a fresh file that only looks like a temp file of kmsdb is left alone by a reset', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, '.notes.kmsdb-tmp': 'my notes', [`.Mb.ini.${process.pid}-0000cafe.kmsdb-tmp`]: 'live' });
    const r = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, '.notes.kmsdb-tmp'), 'latin1')).toBe('my notes');
    expect(existsSync(join(dir, `.Mb.ini.${process.pid}-0000cafe.kmsdb-tmp`))).toBe(true);
  });

  it('a log path inside the backup folder is checked again once the lock is held', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const log = logOf(dir);
    mkdirSync(backupDirOf(dir), { mode: 0o700 });
    writeFileSync(lockOf(dir), JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'reset' }));
    const run = start(['reset', '--path', dir, '--id', 'Ma', '--wait', '20', '--format', 'ndjson']);
    await sleep(1500);
    // While the run waits, the log's name is made a link to a file elsewhere.
    const victim = join(dir, '..', 'victim.txt');
    writeFileSync(victim, 'not a log');
    rmSync(log, { force: true });
    symlinkSync(victim, log);
    unlinkSync(lockOf(dir));
    const r = await run;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kmsdb: reset: the default audit log .* is a symbolic link; kmsdb never follows one to write its log\.\n$/);
    expect(readFileSync(victim, 'utf8')).toBe('not a log');
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });
});

const wine = setUpWine();

describe.skipIf(typeof wine === 'string')('the Windows executable, under wine: the checks through the handle', () => {
  const w = wine as Exclude<typeof wine, string>;

  it('refuses an audit log that is a second name of a record, by the link count its handle gives', { timeout: 120_000 }, () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    const log = join(dir, '..', 'audit.log');
    linkSync(join(dir, 'Mb.ini'), log);
    const before = snapshot(dir);
    const r = w.run(
      [WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Ma', '--log', winePath(log), '--format', 'ndjson'],
      join(tempDir(), 'out.ndjson'),
    );
    expect(r.stderr).toMatch(/^kmsdb: reset: --log .*audit\.log has another name \(a hard link\)/);
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it(
    'writes the backup and the log through checked handles: file IDs agree, a reset and its restore go through',
    { timeout: 120_000 },
    () => {
      const dir = makeDb({ 'Ma.ini': STUCK });
      const out = () => join(tempDir(), 'out.ndjson');
      const reset = w.run([WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Ma', '--format', 'ndjson'], out());
      expect(reset.code, reset.stderr).toBe(0);
      const restore = w.run(
        [
          WINDOWS_EXE,
          'restore',
          '--path',
          winePath(dir),
          '--from-log',
          `${winePath(dir)}.kmsdb-backup\\kmsdb-audit.log`,
          '--format',
          'ndjson',
        ],
        out(),
      );
      expect(restore.code, restore.stderr).toBe(0);
      expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    },
  );
});

describe.skipIf(process.platform === 'win32')('the audit log is never one of the files kmsdb removes as its own leftovers', () => {
  it.each(['.Ma.ini.4194321-deadbeef.partial', '.Ma.ini.4194321-deadbeef.kmsdb-tmp', '.kmsdb.lock.4194321-deadbeef.tmp'])(
    '--log naming %s: exit 2, nothing written',
    async (name) => {
      const dir = makeDb({ 'Ma.ini': STUCK });
      const log = join(dir, '..', name);
      const r = await runChange(['reset', '--path', dir, '--id', 'Ma', '--log', log]);
      expect(r.stderr).toMatch(/is named as a temp file of kmsdb's/);
      expect(r.code).toBe(2);
      expect(existsSync(log)).toBe(false);
      expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    },
  );
});

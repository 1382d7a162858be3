import { linkSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { replaceFileAtomic } from '../../src/safety/atomic.js';
import { backupRecordName, writeBackup } from '../../src/safety/backup.js';
import { acquireLock, LockBusyError } from '../../src/safety/lock.js';
import { overwriteInPlace, retryWhileHeld, writeRecordBytes } from '../../src/safety/overwrite.js';
import { tempDir } from '../helpers/db.js';

describe('backups', () => {
  it('never overwrite an existing backup, even within one millisecond', () => {
    const dir = tempDir();
    const now = new Date('2026-11-25T07:00:00.123Z');
    const a = writeBackup(dir, 'Ma.ini', Buffer.from('first'), now);
    const b = writeBackup(dir, 'Ma.ini', Buffer.from('second'), now);
    const c = writeBackup(dir, 'Ma.ini', Buffer.from('third'), now);
    expect([a, b, c].map((p) => p.slice(dir.length + 1))).toEqual([
      'Ma.ini.20261125T070000123Z.bak',
      'Ma.ini.20261125T070000123Z-1.bak',
      'Ma.ini.20261125T070000123Z-2.bak',
    ]);
    expect([a, b, c].map((p) => readFileSync(p, 'utf8'))).toEqual(['first', 'second', 'third']);
    expect(readdirSync(dir).sort()).toEqual([
      'Ma.ini.20261125T070000123Z-1.bak',
      'Ma.ini.20261125T070000123Z-2.bak',
      'Ma.ini.20261125T070000123Z.bak',
    ]);
  });

  it('name the record they were made of, and are never *.ini', () => {
    const path = writeBackup(tempDir(), 'MUPPER.INI', Buffer.from('x'));
    expect(path).not.toMatch(/\.ini$/i);
    expect(backupRecordName(path)).toBe('MUPPER.INI');
    expect(backupRecordName('/x/Ma.ini.20261125T070000123Z-12.bak')).toBe('Ma.ini');
    expect(backupRecordName('/x/Ma.ini.bak')).toBeNull();
  });
});

describe('atomic replace', () => {
  it('replaces the content, keeps the mode, and leaves no temp file', () => {
    const dir = tempDir();
    const file = join(dir, 'Ma.ini');
    writeFileSync(file, 'old', { mode: 0o604 });
    replaceFileAtomic(file, Buffer.from('new'), statSync(file));
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o604);
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });

  it('leaves the target as it was when the write cannot happen', () => {
    const dir = tempDir();
    const file = join(dir, 'Ma.ini');
    writeFileSync(file, 'old');
    const like = statSync(file);
    expect(() => replaceFileAtomic(join(dir, 'missing', 'Mb.ini'), Buffer.from('new'), like)).toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });
});

describe('writing a record', () => {
  it('of the same length overwrites the changed bytes in place: same inode, hard links see it', () => {
    const dir = tempDir();
    const file = join(dir, 'Ma.ini');
    writeFileSync(file, 'State = 4\r\n', { mode: 0o640 });
    linkSync(file, join(dir, 'other-name'));
    const like = statSync(file);
    expect(writeRecordBytes(file, Buffer.from('State = 4\r\n'), Buffer.from('State = 1\r\n'), like)).toBe('in-place');
    expect(readFileSync(file, 'utf8')).toBe('State = 1\r\n');
    expect(readFileSync(join(dir, 'other-name'), 'utf8')).toBe('State = 1\r\n');
    expect(statSync(file)).toMatchObject({ ino: like.ino, nlink: 2, mode: like.mode });
    expect(readdirSync(dir).sort()).toEqual(['Ma.ini', 'other-name']);
  });

  it('of another length replaces the file atomically', () => {
    const dir = tempDir();
    const file = join(dir, 'Ma.ini');
    writeFileSync(file, 'State = 4\r\n');
    const like = statSync(file);
    expect(writeRecordBytes(file, Buffer.from('State = 4\r\n'), Buffer.from('State = 04\r\n'), like)).toBe('replaced');
    expect(readFileSync(file, 'utf8')).toBe('State = 04\r\n');
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });

  it('in place writes nothing when the file no longer holds the bytes it was read with', () => {
    const file = join(tempDir(), 'Ma.ini');
    for (const now of ['State = 2\r\n', 'State = 4\r\nx', 'State = 4\r']) {
      writeFileSync(file, now);
      expect(() => overwriteInPlace(file, Buffer.from('State = 4\r\n'), Buffer.from('State = 1\r\n'))).toThrow(
        /changed while it was being written/,
      );
      expect(readFileSync(file, 'utf8')).toBe(now);
    }
  });
});

describe('a file another program holds', () => {
  const held = (code: string) => Object.assign(new Error(`held: ${code}`), { code });
  /** How an action that always fails with `code` ends: the error retryWhileHeld throws, and how often it ran. */
  function alwaysFailing(code: string, platform: NodeJS.Platform): { message: string; calls: number } {
    let calls = 0;
    try {
      retryWhileHeld(() => {
        calls++;
        throw held(code);
      }, platform);
    } catch (err) {
      return { message: (err as Error).message, calls };
    }
    throw new Error('retryWhileHeld returned for an action that always fails');
  }

  it('is retried briefly, and written once it is let go', () => {
    let calls = 0;
    const value = retryWhileHeld(() => {
      if (++calls < 3) throw held(calls === 1 ? 'EBUSY' : 'EPERM');
      return 'done';
    }, 'win32');
    expect([value, calls]).toEqual(['done', 3]);
  });

  it("is the system's own refusal on Linux, which fails at once", () => {
    for (const code of ['EBUSY', 'EPERM', 'EACCES']) expect(alwaysFailing(code, 'linux')).toEqual({ message: `held: ${code}`, calls: 1 });
  });

  it('fails, after the retries, saying another program holds it', () => {
    // The retries wait with Atomics.wait; each wait is recorded and returns at once, so the test
    // checks the waits asked for (1.5 s in all, as the message says) without spending them.
    const waits: number[] = [];
    const wait = vi.spyOn(Atomics, 'wait').mockImplementation((_array, _index, _value, ms) => (waits.push(ms ?? Infinity), 'timed-out'));
    try {
      for (const code of ['EBUSY', 'EACCES']) {
        waits.length = 0;
        const { message, calls } = alwaysFailing(code, 'win32');
        expect(message).toMatch(new RegExp(`^another program holds the file open.*\\(${code}, still after 1.55 s\\)`));
        expect(calls).toBe(6);
        expect(waits).toEqual([50, 100, 200, 400, 800]);
      }
    } finally {
      wait.mockRestore();
    }
  });

  it('is not confused with other errors, which fail at once', () => {
    expect(alwaysFailing('ENOENT', 'win32')).toEqual({ message: 'held: ENOENT', calls: 1 });
  });
});

describe('the database lock', () => {
  it('records its owner and is released', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, 'reset', 0);
    const owner = JSON.parse(readFileSync(lock.path, 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, command: 'reset' });
    expect(Date.parse(owner.started)).not.toBeNaN();
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is held against a second taker until released, then passes on', async () => {
    const dir = tempDir();
    const first = await acquireLock(dir, 'reset', 0);
    await expect(acquireLock(dir, 'reset', 0)).rejects.toBeInstanceOf(LockBusyError);
    const waiting = acquireLock(dir, 'restore', 5_000);
    setTimeout(() => first.release(), 300);
    const second = await waiting;
    expect(JSON.parse(readFileSync(second.path, 'utf8')).command).toBe('restore');
    second.release();
  });

  it('treats an unreadable lock as stale only once it is a few seconds old', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.kmsdb.lock'), '');
    await expect(acquireLock(dir, 'reset', 0)).rejects.toThrow(/Remove it if no kmsdb run/);
    const old = new Date(Date.now() - 60_000);
    const { utimesSync } = await import('node:fs');
    utimesSync(join(dir, '.kmsdb.lock'), old, old);
    const lock = await acquireLock(dir, 'reset', 0);
    lock.release();
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeBackup } from '../../src/safety/backup.js';
import { acquireLock, LockBusyError, LOCK_NAME } from '../../src/safety/lock.js';
import { tempDir } from '../helpers/db.js';

// A file system without hard links (FAT, some shares) refuses every link.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const linkSync = () => {
    throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
  };
  return { ...fs, default: { ...fs, linkSync }, linkSync };
});

describe('on a file system without hard links', () => {
  it('backups are still complete, under names that are new, and leave no temp file', () => {
    const dir = tempDir();
    const now = new Date('2026-11-25T07:00:00.123Z');
    const a = writeBackup(dir, 'Ma.ini', Buffer.from('first'), now);
    const b = writeBackup(dir, 'Ma.ini', Buffer.from('second'), now);
    expect([a, b].map((p) => readFileSync(p, 'utf8'))).toEqual(['first', 'second']);
    expect(readdirSync(dir).sort()).toEqual(['Ma.ini.20261125T070000123Z-1.bak', 'Ma.ini.20261125T070000123Z.bak']);
  });

  it('the lock is taken by one run only, and holds its owner', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, 'reset', 0);
    await expect(acquireLock(dir, 'restore', 0)).rejects.toBeInstanceOf(LockBusyError);
    expect(JSON.parse(readFileSync(join(dir, LOCK_NAME), 'utf8'))).toMatchObject({ pid: process.pid, command: 'reset' });
    expect(readdirSync(dir)).toEqual([LOCK_NAME]);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

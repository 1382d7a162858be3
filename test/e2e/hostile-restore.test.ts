// Restore, the audit log and where it goes are input: forged, tampered or
// misplaced, they must be refused, never written into the database.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import type { AuditEntry } from '../../src/safety/audit.js';
import { backupDirOf, logOf, runChange, sha, snapshot, STUCK } from '../helpers/change.js';
import { expectValid } from '../helpers/contract.js';
import { ansi, makeDb, ndjson, runKmsdb, tempDir } from '../helpers/db.js';
import { cannotRun } from '../helpers/tools.js';

/** A database with Ma reset by kmsdb (so a log and a backup exist) and Mb, Mc never touched. */
async function resetOne() {
  const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK.replace('jdoe', 'bob'), 'Mc.ini': 'State = 1\r\nName = carol\r\n' });
  const r = await runChange(['reset', '--path', dir, '--id', 'Ma']);
  expect(r.results[0]?.status).toBe('reset');
  const log = logOf(dir);
  const entry = ndjson<AuditEntry>(readFileSync(log, 'utf8'))[0]!;
  return { dir, log, entry, backup: r.results[0]!.backupPath! };
}

function forge(log: string, fields: Partial<AuditEntry>, base: AuditEntry): void {
  appendFileSync(log, `${JSON.stringify({ ...base, ...fields })}\n`);
}

describe('restore puts back only what kmsdb backed up', () => {
  it('a forged log line naming a file outside the backup folder restores nothing', async () => {
    const { dir, log, entry } = await resetOne();
    const secret = join(tempDir(), 'shadow');
    writeFileSync(secret, 'root:$6$secret:19000:0:99999:7:::\n');
    const mb = join(dir, 'Mb.ini');
    forge(
      log,
      { id: 'Mb', path: mb, backupPath: secret, sha256Before: sha(readFileSync(secret)), sha256After: sha(readFileSync(mb)) },
      entry,
    );
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--from-log', log, '--id', 'Mb']);
    expect(r.code).toBe(1);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ id: 'Mb', status: 'failed', code: 'backup-outside' });
    expect(r.results[0]!.message).toContain(backupDirOf(dir));
    expect(snapshot(dir)).toEqual(before);
  });

  it('a backup reached through a symlink planted in the backup folder is refused', async () => {
    const { dir, log, entry } = await resetOne();
    const secret = join(tempDir(), 'secret.ini');
    writeFileSync(secret, 'State = 4\r\nStolen = yes\r\n');
    const planted = join(backupDirOf(dir), 'Mb.ini.20260101T000000000Z.bak');
    symlinkSync(secret, planted);
    const mb = join(dir, 'Mb.ini');
    forge(
      log,
      { id: 'Mb', path: mb, backupPath: planted, sha256Before: sha(readFileSync(secret)), sha256After: sha(readFileSync(mb)) },
      entry,
    );
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--from-log', log, '--id', 'Mb']);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'backup-outside' });
    const byBackup = await runChange(['restore', '--path', dir, '--backup', planted]);
    expect(byBackup.results[0]).toMatchObject({ status: 'failed', code: 'backup-outside' });
    expect(snapshot(dir)).toEqual(before);
  });

  it('a real backup of another record is not put over this one', async () => {
    const { dir, log, entry, backup } = await resetOne();
    const mb = join(dir, 'Mb.ini');
    forge(log, { id: 'Mb', path: mb, backupPath: backup, sha256After: sha(readFileSync(mb)) }, entry);
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--from-log', log, '--id', 'Mb']);
    expect(r.results[0]).toMatchObject({ id: 'Mb', status: 'failed', code: 'backup-mismatch' });
    expect(snapshot(dir)).toEqual(before);
  });

  it('--backup of a file outside the backup folder is refused even when it looks like a backup', async () => {
    const { dir } = await resetOne();
    const elsewhere = join(tempDir(), 'Mb.ini.20260101T000000000Z.bak');
    writeFileSync(elsewhere, ansi(STUCK.replace('jdoe', 'mallory')));
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--backup', elsewhere]);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ id: 'Mb', status: 'failed', code: 'backup-outside' });
    expect(snapshot(dir)).toEqual(before);
  });

  it('a forged line whose sha256After is not what the record holds is refused even with --force when the backup does not match', async () => {
    const { dir, log, entry } = await resetOne();
    const mb = join(dir, 'Mb.ini');
    const planted = join(backupDirOf(dir), 'Mb.ini.20260101T000000000Z.bak');
    writeFileSync(planted, 'State = 4\r\nPlanted = yes\r\n');
    forge(log, { id: 'Mb', path: mb, backupPath: planted, sha256Before: sha('something else'), sha256After: sha(readFileSync(mb)) }, entry);
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--from-log', log, '--id', 'Mb', '--force']);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'backup-mismatch' });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('a tampered backup is refused', () => {
  const tamper: [string, Buffer][] = [
    ['emptied', Buffer.alloc(0)],
    ['300 random bytes', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256))],
    ['State = 9', ansi('[Client]\r\nState = 9\r\n')],
    ['no State at all', ansi('[Client]\r\nName = x\r\n')],
  ];

  it.each(tamper)('%s: through --from-log, the hash does not match sha256Before', async (_name, bytes) => {
    const { dir, log, backup } = await resetOne();
    writeFileSync(backup, bytes);
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--from-log', log]);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ id: 'Ma', status: 'failed', code: 'backup-mismatch' });
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(tamper)('%s: through --backup, with the log beside it, the hash does not match', async (_name, bytes) => {
    const { dir, backup } = await resetOne();
    writeFileSync(backup, bytes);
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--backup', backup]);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ id: 'Ma', status: 'failed' });
    expect(['backup-mismatch', 'backup-not-a-record']).toContain(r.results[0]!.code);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(tamper)('%s: through --backup without any log, what no reset could have backed up is refused', async (_name, bytes) => {
    const dir = makeDb({ 'Ma.ini': 'State = 1\r\n' });
    mkdirSync(backupDirOf(dir));
    const backup = join(backupDirOf(dir), 'Ma.ini.20260101T000000000Z.bak');
    writeFileSync(backup, bytes);
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--backup', backup]);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ id: 'Ma', status: 'failed', code: 'backup-not-a-record' });
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(logOf(dir))).toBe(false);
  });

  it('an untouched backup still restores, by --from-log and by --backup', async () => {
    const { dir, log, backup } = await resetOne();
    const r = await runChange(['restore', '--path', dir, '--from-log', log]);
    expect(r.results.map((x) => [x.id, x.status])).toEqual([['Ma', 'restored']]);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const again = await runChange(['restore', '--path', dir, '--backup', backup]);
    expect(again.results[0]).toMatchObject({ status: 'restored', code: null });
  });
});

describe('audit log lines are validated', () => {
  it.each([
    ['null', 'null'],
    ['an event alone', '{"event":"reset"}'],
    ['a number for a path', '{"path":123}'],
    ['an array', '[1,2,3]'],
    ['a reset line missing its backup', 'WITHOUT_BACKUP'],
    ['a relative path', 'RELATIVE'],
    ['a sha256 that is not hex', 'BADHASH'],
    ['deeply nested JSON', `${'['.repeat(20000)}${']'.repeat(20000)}`],
    ['not JSON', 'State = 4'],
  ])('%s: exit 2 naming the line, and nothing is restored', async (_name, line) => {
    const { dir, log, entry } = await resetOne();
    const text =
      line === 'WITHOUT_BACKUP'
        ? JSON.stringify({ ...entry, backupPath: undefined })
        : line === 'RELATIVE'
          ? JSON.stringify({ ...entry, path: 'Ma.ini' })
          : line === 'BADHASH'
            ? JSON.stringify({ ...entry, sha256Before: 'zz' })
            : line;
    appendFileSync(log, `${text}\n`);
    const before = snapshot(dir);
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--format', 'ndjson']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^kmsdb: restore: line 2 of ${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the log and backups never land in the database', () => {
  it.each([
    ['an existing record', (dir: string) => join(dir, 'Mc.ini')],
    ['a new .ini', (dir: string) => join(dir, 'audit.ini')],
    ['a subfolder', (dir: string) => join(dir, 'logs', 'kmsdb.log')],
  ])('--log naming %s is refused (exit 2) and nothing changes', async (_name, where) => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mc.ini': 'State = 1\r\n' });
    const before = snapshot(dir);
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--log', where(dir)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--log .*inside the database folder/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a --backup-dir inside the database folder is refused, not only the folder itself', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const before = snapshot(dir);
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--backup-dir', join(dir, 'backups')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--backup-dir .*inside the database folder/);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([
    ['log', (dir: string) => `log = ${join(dir, 'audit.ini')}`],
    ['backupDir', (dir: string) => `backupDir = ${join(dir, 'bk')}`],
  ])('the same from the settings file (%s)', async (_key, line) => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mc.ini': 'State = 1\r\n' });
    const config = join(tempDir(), 'kmsdb.ini');
    writeFileSync(config, `[defaults]\r\ndatabase = ${dir}\r\n${line(dir)}\r\n`);
    const before = snapshot(dir);
    const r = await runKmsdb(['reset', '--config', config, '--id', 'Ma']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/inside the database folder/);
    expect(snapshot(dir)).toEqual(before);
    const get = await runKmsdb(['get', '--config', config, '--format', 'ndjson']);
    expect(ndjson(get.stdout).map((x) => x.id)).toEqual(['Ma', 'Mc']);
  });

  it('a log path that reaches the database through a symlinked folder is refused', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const link = join(tempDir(), 'looks-harmless');
    symlinkSync(dir, link);
    const before = snapshot(dir);
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--log', join(link, 'audit.ini')]);
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the log follows no planted symlink', () => {
  it.each([
    ['the default log in the backup folder', (dir: string) => logOf(dir), [] as string[]],
    ['a --log path', (dir: string) => join(dirname(dir), 'audit.log'), ['LOG']],
  ])('%s planted as a symlink is refused, and its target is untouched', async (_name, logPath, extra) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const victim = join(tempDir(), 'victim.conf');
    writeFileSync(victim, 'precious\n');
    const log = logPath(dir);
    mkdirSync(dirname(log), { recursive: true });
    symlinkSync(victim, log);
    const before = snapshot(dir);
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', ...extra.flatMap(() => ['--log', log])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(snapshot(dir)).toEqual(before);
  });

  it('a log that is a folder or a FIFO is refused before anything is written', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const folder = join(tempDir(), 'log-folder');
    mkdirSync(folder);
    const before = snapshot(dir);
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--log', folder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a regular file/);
    expect(snapshot(dir)).toEqual(before);
    expect(statSync(folder).isDirectory()).toBe(true);
  });
});

/**
 * Makes a file immutable (root on ext4/XFS/tmpfs), so that any write to it fails as on a full or
 * broken disk. Where chattr cannot, the test cannot make a write fail: it is skipped (failed under CI).
 */
function immutable(ctx: TestContext, path: string): void {
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
  } catch {
    cannotRun(ctx, 'chattr +i is unavailable (run the tests as root): nothing else makes a write fail');
  }
}

const mutable = (path: string) => execFileSync('chattr', ['-i', path], { stdio: 'ignore' });

describe('the log tells the truth', () => {
  it.for(['reset', 'restore'] as const)(
    'a %s whose write fails is logged as failed, and restore does not undo it',
    async (command, ctx) => {
      const dir = makeDb({ 'Ma.ini': STUCK });
      let backup = '';
      if (command === 'restore') backup = (await runChange(['reset', '--path', dir, '--id', 'Ma'])).results[0]!.backupPath!;
      const record = join(dir, 'Ma.ini');
      const before = readFileSync(record);
      immutable(ctx, record);
      let r;
      try {
        r = await runChange(command === 'reset' ? ['reset', '--path', dir, '--id', 'Ma'] : ['restore', '--path', dir, '--backup', backup]);
      } finally {
        mutable(record);
      }
      expect(r.code).toBe(1);
      expect(r.results[0]).toMatchObject({ status: 'failed', code: 'write-failed' });
      // Only Windows has programs that hold a file against writers; here the refusal is the system's own.
      expect(r.results[0]!.message).not.toMatch(/another program/);
      expect(readFileSync(record)).toEqual(before);
      const events = ndjson<AuditEntry>(readFileSync(logOf(dir), 'utf8'));
      for (const e of events) expectValid('auditEntry', e);
      expect(events.map((e) => e.event)).toEqual(command === 'reset' ? ['reset', 'reset-failed'] : ['reset', 'restore', 'restore-failed']);
      expect(events.at(-1)!.error).toMatch(/EPERM|not permitted/);
      if (command === 'reset') {
        // The log shows no change to undo: restore finds nothing, and the record stays as it is.
        const undo = await runChange(['restore', '--path', dir, '--from-log', logOf(dir)]);
        expect(undo.code).toBe(0);
        expect(undo.results).toEqual([]);
      }
    },
  );

  it.for(['reset', 'restore'] as const)('what-if refuses a %s that no write can make, as a real run does', async (command, ctx) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    let backup = '';
    if (command === 'restore') backup = (await runChange(['reset', '--path', dir, '--id', 'Ma'])).results[0]!.backupPath!;
    const record = join(dir, 'Ma.ini');
    const args = command === 'reset' ? ['reset', '--path', dir, '--id', 'Ma'] : ['restore', '--path', dir, '--backup', backup];
    immutable(ctx, record);
    let whatIf;
    let real;
    try {
      whatIf = await runChange([...args, '--what-if']);
      real = await runChange(args);
    } finally {
      mutable(record);
    }
    expect(real.results[0]).toMatchObject({ status: 'failed', code: 'write-failed' });
    expect(whatIf.code).toBe(1);
    expect(whatIf.results[0]).toMatchObject({ status: 'failed', code: 'write-failed' });
  });

  // An append-only folder (chattr +a) takes a new file but lets no name go: kmsdb cannot remove its temp file.
  it.for([
    ['backup folder', (dir: string) => backupDirOf(dir), /could not be written.*(EPERM|operation not permitted)/],
    ['database folder', (dir: string) => dir, /cannot be locked: access is denied/],
  ] as const)('a %s that lets no file go is refused with the reason the system gave', async ([, folder, reason], ctx) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    mkdirSync(backupDirOf(dir), { recursive: true });
    const closed = folder(dir);
    try {
      execFileSync('chattr', ['+a', closed], { stdio: 'ignore' });
    } catch {
      cannotRun(ctx, 'chattr +a is unavailable (run the tests as root): nothing else makes a folder keep its files');
    }
    let r;
    try {
      r = await runChange(['reset', '--path', dir, '--id', 'Ma', '--log', join(tempDir(), 'audit.log')]);
    } finally {
      execFileSync('chattr', ['-a', closed], { stdio: 'ignore' });
    }
    expect(`${r.stderr}${r.results[0]?.message ?? ''}`).toMatch(reason);
    expect(`${r.stderr}${r.results[0]?.message ?? ''}`).not.toMatch(/not a folder|ENOTDIR|not a directory/);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });

  it.for(['reset', 'restore'] as const)('a %s whose log line cannot be written writes no backup either', async (command, ctx) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    let backup = '';
    if (command === 'restore') backup = (await runChange(['reset', '--path', dir, '--id', 'Ma'])).results[0]!.backupPath!;
    const before = snapshot(dir);
    const backups = () => (existsSync(backupDirOf(dir)) ? readdirSync(backupDirOf(dir)).sort() : []);
    const kept = backups();
    // A log folder that takes no file: the log cannot be made there.
    const logs = join(tempDir(), 'logs');
    mkdirSync(logs);
    const args = command === 'reset' ? ['reset', '--path', dir, '--id', 'Ma'] : ['restore', '--path', dir, '--backup', backup];
    immutable(ctx, logs);
    let r;
    try {
      r = await runChange([...args, '--log', join(logs, 'audit.log')]);
    } finally {
      mutable(logs);
    }
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'write-failed', backupPath: null });
    expect(r.results[0]!.message).toMatch(/^The audit log .*audit\.log cannot be written, so the record was left alone: access is denied/);
    expect(snapshot(dir)).toEqual(before);
    expect(backups()).toEqual(kept);
  });

  it.for(['--backup-dir', '--log'] as const)(
    'a %s through a link to nowhere is refused before anything is written, with or without --what-if',
    async (option) => {
      const dir = makeDb({ 'Ma.ini': STUCK });
      const before = snapshot(dir);
      // Each way a link leads nowhere: to a missing path, through a file, or round to itself.
      const root = tempDir();
      writeFileSync(join(root, 'file'), '');
      symlinkSync(join(root, 'loop2'), join(root, 'loop1'));
      symlinkSync(join(root, 'loop1'), join(root, 'loop2'));
      for (const [name, to] of [
        ['missing', join(root, 'gone', 'deeper')],
        ['through-file', join(root, 'file', 'x')],
        ['loop', join(root, 'loop1')],
      ] as const)
        symlinkSync(to, join(root, name));
      for (const link of ['missing', 'through-file', 'loop'].map((name) => join(root, name))) {
        const target = option === '--backup-dir' ? link : join(link, 'audit.log');
        for (const whatIf of [['--what-if'], []]) {
          const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', option, target, ...whatIf]);
          expect(r.code, `${link} ${whatIf.join('')}`).toBe(2);
          expect(r.stderr).toMatch(new RegExp(`leads through ${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, a link to nowhere`));
        }
      }
      expect(snapshot(dir)).toEqual(before);
      expect(existsSync(backupDirOf(dir))).toBe(false);
    },
  );

  it('after a failed reset, a later successful one is the one restore undoes', async (ctx) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const record = join(dir, 'Ma.ini');
    immutable(ctx, record);
    try {
      await runChange(['reset', '--path', dir, '--id', 'Ma']);
    } finally {
      mutable(record);
    }
    const ok = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    expect(ok.results[0]?.status).toBe('reset');
    const undo = await runChange(['restore', '--path', dir, '--from-log', logOf(dir)]);
    expect(undo.results.map((x) => [x.status, x.message])).toEqual([['restored', `Restored from ${ok.results[0]!.backupPath}.`]]);
    expect(readFileSync(record, 'latin1')).toBe(STUCK);
  });
});

// The checked-write property as a class: every file kmsdb writes (record,
// backup, audit log, lock) against every thing an attacker or a careless admin
// can put at its path (a symbolic link, a hard link, a FIFO, a folder, another
// file), put there before the writer starts or swapped in between any check
// and the open that follows it. Whatever is there, no byte lands outside the
// file meant, and nothing hangs.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRecord, type ChangeContext } from '../../src/change/reset-restore.js';
import { replaceFileAtomic } from '../../src/safety/atomic.js';
import { appendAudit, auditEntry } from '../../src/safety/audit.js';
import { writeBackup } from '../../src/safety/backup.js';
import { identityOf, raceHooks } from '../../src/safety/checked-write.js';
import { acquireLock, LOCK_NAME } from '../../src/safety/lock.js';
import { overwriteInPlace } from '../../src/safety/overwrite.js';
import { tempDir } from '../helpers/db.js';

const RECORD = '[Client]\r\nState = 4\r\n';
/** The file outside that an attack aims at: a copy of the record, so that no check of the content can tell them apart. */
const VICTIM = RECORD;
const NEW_RECORD = '[Client]\r\nState = 1\r\n';

type Hostile = 'symlink' | 'hard link' | 'fifo' | 'folder' | 'other file';
const HOSTILES: Hostile[] = ['symlink', 'hard link', 'fifo', 'folder', 'other file'];

interface Scene {
  root: string;
  victim: string;
}

/** Puts `kind` at `path` (which may hold a file already), aimed at the victim outside. */
function plant(scene: Scene, path: string, kind: Hostile): void {
  if (kind === 'other file') {
    // A new file of the same content, made while the old one still exists, so that only its identity tells it apart.
    const other = `${path}.other`;
    writeFileSync(other, existsSync(path) ? readFileSync(path) : RECORD);
    renameSync(other, path);
    return;
  }
  rmSync(path, { recursive: true, force: true });
  if (kind === 'symlink') symlinkSync(scene.victim, path);
  if (kind === 'hard link') linkSync(scene.victim, path);
  if (kind === 'fifo') execFileSync('mkfifo', [path]);
  if (kind === 'folder') mkdirSync(path);
}

interface Writer {
  name: string;
  /** Makes what the writer expects to find, and returns the path that is attacked before it starts. */
  prepare(scene: Scene): { target: string; run: () => unknown };
}

const entry = () =>
  auditEntry({
    event: 'reset',
    id: 'Ma',
    path: '/db/Ma.ini',
    previousState: 4,
    state: 1,
    sha256Before: '0'.repeat(64),
    sha256After: '1'.repeat(64),
    backupPath: '/db.kmsdb-backup/Ma.ini.20260101T000000000Z.bak',
  });

const WRITERS: Writer[] = [
  {
    name: 'record (in place)',
    prepare({ root }) {
      const target = join(root, 'Ma.ini');
      writeFileSync(target, RECORD);
      const expect = identityOf(statSync(target, { bigint: true }));
      return { target, run: () => overwriteInPlace(target, Buffer.from(RECORD), Buffer.from(NEW_RECORD), expect) };
    },
  },
  {
    name: 'record (replaced)',
    prepare({ root }) {
      const target = join(root, 'Ma.ini');
      writeFileSync(target, RECORD);
      const like = statSync(target);
      const expect = identityOf(statSync(target, { bigint: true }));
      return { target, run: () => replaceFileAtomic(target, Buffer.from(`${NEW_RECORD}; longer\r\n`), like, expect) };
    },
  },
  {
    name: 'backup',
    prepare({ root }) {
      const dir = join(root, 'backups');
      const now = new Date('2026-01-01T00:00:00Z');
      return { target: join(dir, 'Ma.ini.20260101T000000000Z.bak'), run: () => writeBackup(dir, 'Ma.ini', Buffer.from(RECORD), now) };
    },
  },
  {
    name: 'audit log',
    prepare({ root }) {
      const target = join(root, 'kmsdb-audit.log');
      appendAudit(target, entry());
      return { target, run: () => appendAudit(target, entry()) };
    },
  },
  {
    name: 'lock',
    prepare({ root }) {
      const dir = join(root, 'db');
      mkdirSync(dir);
      return { target: join(dir, LOCK_NAME), run: () => acquireLock(dir, 'reset', 0).then((lock) => lock.release()) };
    },
  },
];

function scene(): Scene {
  const root = tempDir('kmsdb-checked-');
  const victim = join(root, 'victim.txt');
  writeFileSync(victim, VICTIM);
  return { root, victim };
}

/** Runs a writer; its outcome: done, or the error that stopped it. */
async function outcome(run: () => unknown): Promise<'done' | Error> {
  try {
    await run();
    return 'done';
  } catch (err) {
    return err as Error;
  }
}

/** What must hold whatever happened: the victim is intact, and nothing was written into a planted folder. */
function expectNothingLanded(s: Scene, target: string, kind: Hostile): void {
  expect(readFileSync(s.victim, 'utf8')).toBe(VICTIM);
  if (kind === 'folder' && existsSync(target) && lstatSync(target).isDirectory()) expect(readdirSync(target)).toEqual([]);
}

afterEach(() => {
  delete raceHooks.afterCheck;
});

describe.skipIf(process.platform === 'win32')('every write goes through the checked write path', () => {
  for (const writer of WRITERS) {
    for (const kind of HOSTILES) {
      it(`${writer.name}: ${kind} put at its path before the run`, async () => {
        const s = scene();
        const { target, run } = writer.prepare(s);
        mkdirSync(join(target, '..'), { recursive: true });
        plant(s, target, kind);
        const result = await outcome(run);
        expectNothingLanded(s, target, kind);
        // Backups and the lock go to new names: something at a name is skipped or refused, never written through.
        if (writer.name.startsWith('record') || writer.name === 'audit log') {
          if (kind === 'other file' && writer.name === 'audit log') expect(result).toBe('done');
          else expect(result).toBeInstanceOf(Error);
        }
      });

      it(`${writer.name}: ${kind} swapped in after each check, one at a time`, async () => {
        // How many checked opens the writer makes, counted on a clean run.
        const dry = scene();
        delete raceHooks.afterCheck;
        const dryRun = writer.prepare(dry);
        const opened: string[] = [];
        raceHooks.afterCheck = (path) => opened.push(path);
        expect(await outcome(dryRun.run)).toBe('done');
        expect(opened.length).toBeGreaterThan(0);
        for (let at = 0; at < opened.length; at++) {
          const s = scene();
          delete raceHooks.afterCheck;
          const { run } = writer.prepare(s);
          let calls = 0;
          let attacked: string | null = null;
          raceHooks.afterCheck = (path) => {
            if (calls++ !== at) return;
            attacked = path;
            plant(s, path, kind);
          };
          const result = await outcome(run);
          expect(attacked).not.toBeNull();
          expectNothingLanded(s, attacked as unknown as string, kind);
          // A swap after the check is always caught: the write that was checked is never made to another file.
          expect(result, `swap at open ${at + 1} of ${opened.length} (${String(attacked)})`).toBeInstanceOf(Error);
        }
      });
    }
  }
});

describe.skipIf(process.platform === 'win32')('reset writes only the record it checked', () => {
  it('a record swapped for a symbolic link after its checks is refused, and the file outside keeps its bytes', () => {
    const root = tempDir('kmsdb-swap-');
    const db = join(root, 'Clients');
    mkdirSync(db);
    const record = join(db, 'Ma.ini');
    writeFileSync(record, RECORD);
    const outside = join(root, 'outside.ini');
    writeFileSync(outside, RECORD);
    const ctx: ChangeContext = {
      dbReal: db,
      backupDir: join(root, 'backups'),
      logPath: join(root, 'backups', 'kmsdb-audit.log'),
      force: false,
      whatIf: false,
    };
    raceHooks.afterCheck = (path) => {
      if (path !== record) return;
      rmSync(record);
      symlinkSync(outside, record);
    };
    const r = resetRecord(ctx, { path: record });
    expect(readFileSync(outside, 'utf8')).toBe(RECORD);
    expect(r).toMatchObject({ status: 'failed', code: 'write-failed' });
    expect(r.message).toMatch(/is a symbolic link or another reparse point; kmsdb never writes through one/);
  });
});

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resetRecord, restoreRecord, type ChangeContext, type ChangeRequest, type ChangeResult, type RestoreRequest } from '../records/change.js';
import { selectRecords } from '../records/query.js';
import { describeFsError, recordFiles } from '../records/scan.js';
import { samePath } from '../records/target.js';
import { loadSettings, type ServerSettings } from '../settings/index.js';
import type { AuditEntry } from '../safety/audit.js';
import { removeStaleTemps } from '../safety/atomic.js';
import { backupRecordName, defaultBackupDir } from '../safety/backup.js';
import { acquireLock, LockBusyError } from '../safety/lock.js';
import { parseCommandArgs, parseFormat, requirePath } from './args.js';
import { EXIT, ExitError, usage } from './errors.js';
import type { Io } from './io.js';
import { ItemWriter, ProgressReporter, TextSink, type Format } from './output.js';
import { parseRequests, readAll } from './stdin.js';

const COMMON = {
  path: { type: 'string' },
  force: { type: 'boolean' },
  'what-if': { type: 'boolean' },
  'backup-dir': { type: 'string' },
  log: { type: 'string' },
  format: { type: 'string' },
  progress: { type: 'boolean' },
  wait: { type: 'string' },
  config: { type: 'string' },
} as const;

/** How long a run waits for another run's lock by default. */
const DEFAULT_WAIT_SECONDS = 30;

interface Common {
  ctx: ChangeContext;
  format: Format;
  progress: boolean;
  waitMs: number;
}

function databaseFolder(command: string, path: string): string {
  let real: string;
  try {
    real = realpathSync(resolve(path));
  } catch (err) {
    throw new ExitError(EXIT.DATABASE, `The database folder ${resolve(path)} cannot be read: ${describeFsError(err)}.`);
  }
  if (!statSync(real).isDirectory()) throw usage(`${command}: --path must name the database folder, and ${real} is a file.`);
  return real;
}

type CommonArgs = Partial<Record<keyof typeof COMMON, string | boolean | (string | boolean)[]>>;

/** The database folder the options or the settings file name; a usage error when neither does. */
function databaseOption(command: string, args: CommonArgs): { path: string; settings: ServerSettings | null } {
  const settings = loadSettings(args.config as string | undefined);
  return { path: requirePath(command, (args.path as string | undefined) ?? settings?.database), settings };
}

function common(command: string, args: CommonArgs, database: { path: string; settings: ServerSettings | null }): Common {
  const { settings } = database;
  const dbReal = databaseFolder(command, database.path);
  const backupOption = (args['backup-dir'] as string | undefined) ?? settings?.backupDir;
  const logOption = (args.log as string | undefined) ?? settings?.log;
  const backupDir = backupOption !== undefined ? resolve(backupOption) : defaultBackupDir(dbReal);
  let backupReal = backupDir;
  try {
    backupReal = realpathSync(backupDir);
  } catch {
    // Not made yet: the first backup makes it.
  }
  if (backupReal === dbReal) throw usage(`${command}: --backup-dir must not be the database folder itself; backups stay out of it.`);
  const wait = args.wait === undefined ? DEFAULT_WAIT_SECONDS : Number(args.wait);
  if (!Number.isFinite(wait) || wait < 0) throw usage(`${command}: --wait must be a number of seconds, not '${String(args.wait)}'.`);
  return {
    ctx: {
      dbReal,
      backupDir,
      logPath: logOption !== undefined ? resolve(logOption) : join(backupDir, 'kmsdb-audit.log'),
      force: args.force === true,
      // The same switch, until the override switches are named apart.
      allowAmbiguous: args.force === true,
      whatIf: args['what-if'] === true,
    },
    format: parseFormat(command, args.format as string | undefined),
    progress: args.progress === true,
    waitMs: wait * 1000,
  };
}

/**
 * Runs changes one record at a time under the database lock (none for
 * --what-if), writing each result as it is made. The records are selected
 * once the lock is held, so that a run that waited sees the database as the
 * run before it left it. Exit 1 when any record was skipped or failed.
 */
async function runChanges<T>(command: string, c: Common, select: () => T[], apply: (request: T) => ChangeResult, io: Io): Promise<number> {
  let lock = null;
  if (!c.ctx.whatIf) {
    try {
      lock = await acquireLock(c.ctx.dbReal, command, c.waitMs);
    } catch (err) {
      if (err instanceof LockBusyError) throw new ExitError(EXIT.LOCKED, err.message);
      throw new ExitError(EXIT.DATABASE, `The database folder ${c.ctx.dbReal} cannot be locked: ${describeFsError(err)}.`);
    }
  }
  try {
    if (lock) removeStaleTemps(c.ctx.dbReal);
    const requests = select();
    const sink = new TextSink(io.stdout);
    const out = new ItemWriter(sink, c.format, 'results');
    const progress = c.progress ? new ProgressReporter(io.stderr, requests.length, command === 'reset' ? 'Resetting KMS records' : 'Restoring KMS records') : null;
    progress?.update(0);
    let refused = 0;
    await out.begin();
    for (let i = 0; i < requests.length; i++) {
      const r = apply(requests[i] as T);
      if (r.status === 'skipped' || r.status === 'failed') refused++;
      await out.item(r);
      progress?.update(i + 1);
    }
    await out.end();
    return refused > 0 ? EXIT.REFUSED : EXIT.OK;
  } finally {
    lock?.release();
  }
}

export async function runReset(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('reset', argv, {
    ...COMMON,
    id: { type: 'string', multiple: true },
    mailbox: { type: 'string', multiple: true },
    stdin: { type: 'boolean' },
  });
  const database = databaseOption('reset', args);
  const sources = [args.id !== undefined, args.mailbox !== undefined, args.stdin === true].filter(Boolean).length;
  if (sources !== 1) throw usage("reset: name the records with exactly one of --id, --mailbox or --stdin. See 'kmsdb --help'.");
  const c = common('reset', args, database);

  let select: () => ChangeRequest[];
  if (args.stdin) {
    // Bad input must fail before the lock is taken or anything is read.
    const fromStdin = parseRequests(await readAll(io.stdin));
    select = () => fromStdin;
  } else if (args.id) {
    const ids = args.id;
    select = () => {
      const names = new Map(recordFiles(c.ctx.dbReal).names.map((n) => [n.toLowerCase(), n]));
      return ids.map((id) => ({ path: names.get(`${id}.ini`.toLowerCase()) ?? `${id}.ini` }));
    };
  } else {
    const mailbox = args.mailbox ?? [];
    select = () => [...selectRecords({ path: c.ctx.dbReal, mailbox }).records()].map((r) => ({ path: r.path }));
  }
  return runChanges('reset', c, select, (r) => resetRecord(c.ctx, r), io);
}

function restoresFromLog(logPath: string, dbReal: string, ids: readonly string[] | undefined): RestoreRequest[] {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch (err) {
    throw usage(`restore: the audit log ${logPath} cannot be read: ${describeFsError(err)}.`);
  }
  const wanted = ids ? new Set(ids.map((i) => i.toLowerCase())) : null;
  const latest = new Map<string, RestoreRequest>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line) as AuditEntry;
    } catch {
      throw usage(`restore: line ${i + 1} of ${logPath} is not an audit entry.`);
    }
    if (entry.event !== 'reset' || (wanted && !wanted.has(entry.id.toLowerCase()))) return;
    latest.set(entry.path, { path: entry.path, backupPath: entry.backupPath, expectSha256: entry.sha256After });
  });
  // A shared log may name other databases' records: those are not this run's to restore.
  return [...latest.values()].filter((r) => samePath(dirname(r.path), dbReal));
}

export async function runRestore(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('restore', argv, {
    ...COMMON,
    backup: { type: 'string', multiple: true },
    'from-log': { type: 'string' },
    id: { type: 'string', multiple: true },
  });
  const database = databaseOption('restore', args);
  if ((args.backup !== undefined) === (args['from-log'] !== undefined)) {
    throw usage("restore: name what to restore with either --backup FILE or --from-log FILE. See 'kmsdb --help'.");
  }
  if (args.id && !args['from-log']) throw usage('restore: --id goes with --from-log.');
  const c = common('restore', args, database);
  let requests: RestoreRequest[];
  if (args.backup) {
    requests = args.backup.map((file) => {
      const name = backupRecordName(file);
      if (!name) throw usage(`restore: ${file} is not a kmsdb backup (NAME.ini.TIMESTAMP.bak).`);
      return { path: join(c.ctx.dbReal, name), backupPath: resolve(file), expectSha256: null };
    });
  } else {
    requests = restoresFromLog(resolve(args['from-log'] as string), c.ctx.dbReal, args.id);
  }
  return runChanges('restore', c, () => requests, (r) => restoreRecord(c.ctx, r), io);
}

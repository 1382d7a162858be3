import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  refusal,
  resetRecord,
  restoreRecord,
  type ChangeContext,
  type ChangeRequest,
  type ChangeResult,
  type RestoreRequest,
} from '../change/reset-restore.js';
import { selectRecords } from '../scan/read-records.js';
import { recordId } from '../records/record.js';
import { describeFsError } from '../fs-errors.js';
import { recordFiles } from '../scan/listing.js';
import { pathKey, samePath } from '../change/target.js';
import type { ServerSettings } from '../settings/index.js';
import { checkLogPath, LOG_PATH_REASONS, LogPathError, readAuditLog, AuditLogError, type AuditEntry } from '../safety/audit.js';
import { folderReadableByOthers } from '../safety/private-folder.js';
import { removeStaleTemps } from '../safety/atomic.js';
import { backupRecordName, defaultBackupDir, removeBackupLeftovers } from '../safety/backup.js';
import { acquireLock, LockBusyError, LockPathError, removeLockLeftovers } from '../safety/lock.js';
import { parseCommandArgs, parseFormat, requirePath, settingsFor } from './args.js';
import { EXIT, ExitError, usage } from './errors.js';
import type { Io } from './io.js';
import { ItemWriter, ProgressReporter, TextSink, type Format } from './output.js';
import { parseRequests, parseRestoreItems, readAll, type RestoreItem } from './stdin.js';

const CHANGE_OPTIONS = {
  path: { type: 'string' },
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

interface ChangeSetup {
  ctx: ChangeContext;
  /** Every check of the backup folder and the log, made again once the lock is held. */
  recheck: () => void;
  format: Format;
  progress: boolean;
  waitMs: number;
}

/**
 * The real path of `path`, or of its nearest existing ancestor with the rest
 * appended: where a file that is not made yet would land, symlinks resolved.
 */
function nearestReal(path: string): string {
  const rest: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...rest.reverse());
    } catch {
      if (dirname(at) === at) return path;
      rest.push(basename(at));
    }
  }
}

/** True when `path` is `folder` or anywhere below it, compared as the platform's file system does. */
function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return samePath(path, folder) || (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel));
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

/** The one override each command has: reset, of NumSCerts; restore, of a record changed since its reset. */
type Override = { force?: boolean; 'allow-numscerts'?: boolean; 'allow-ambiguous'?: boolean };
type ChangeArgs = Partial<Record<keyof typeof CHANGE_OPTIONS, string | boolean | (string | boolean)[]>> & Override;

/** The database folder the options or the settings file name; a usage error when neither does. */
function databaseOption(command: string, args: ChangeArgs): { path: string; settings: ServerSettings | null } {
  const settings = settingsFor(args.config as string | undefined);
  return { path: requirePath(command, (args.path as string | undefined) ?? settings?.database), settings };
}

/**
 * The checks of where backups and the log go: the backup folder not in the
 * database, the log neither in the database nor a backup, and the log a file
 * of its own holding audit lines. Made before the lock is taken, again once it
 * is held (a folder swapped for a link while a run waited is caught there),
 * and before each write.
 */
function checkFolders(
  command: string,
  ctx: Pick<ChangeContext, 'dbReal' | 'backupDir' | 'logPath'>,
  where: Where,
  logFile: 'check the log file' | 'the append checks it',
): void {
  const { dbReal, backupDir, logPath } = ctx;
  // The backup folder may not exist yet: the first backup makes it.
  if (isInside(nearestReal(backupDir), dbReal)) {
    throw usage(
      `${command}: ${where.backup} must not be the database folder nor be inside it, ` +
        `and ${backupDir} is inside the database folder ${dbReal}; backups stay out of it.`,
    );
  }
  if (isInside(nearestReal(logPath), dbReal))
    throw usage(`${command}: ${where.log} ${logPath} is inside the database folder ${dbReal}; the audit log stays out of it.`);
  if (backupRecordName(logPath) !== null)
    throw usage(`${command}: ${where.log} ${logPath} is named as a kmsdb backup; the audit log is never appended to a backup.`);
  // A later run removes such files as leftovers of a killed run: a log under one of these names would go with them.
  if (/\.(?:partial|kmsdb-tmp)$|^\.kmsdb\.lock/i.test(basename(logPath)))
    throw usage(
      `${command}: ${where.log} ${logPath} is named as a temp file of kmsdb's, which a later run removes; name the log otherwise.`,
    );
  // Each append opens the log through the checked write path, which checks the file itself again.
  if (logFile === 'the append checks it') return;
  try {
    checkLogPath(logPath);
  } catch (err) {
    if (err instanceof LogPathError) throw usage(`${command}: ${where.log} ${logPath} ${LOG_PATH_REASONS[err.reason]}.`);
    throw new ExitError(EXIT.DATABASE, `${command}: the audit log ${logPath} cannot be checked: ${describeFsError(err)}.`);
  }
}

/** What named the backup folder and the log, for messages: an option, a settings file, or kmsdb's default. */
interface Where {
  backup: string;
  log: string;
}

function changeSetup(command: string, args: ChangeArgs, database: { path: string; settings: ServerSettings | null }): ChangeSetup {
  const { settings } = database;
  const dbReal = databaseFolder(command, database.path);
  const backupOption = (args['backup-dir'] as string | undefined) ?? settings?.backupDir;
  const logOption = (args.log as string | undefined) ?? settings?.log;
  const backupDir = backupOption !== undefined ? resolve(backupOption) : defaultBackupDir(dbReal);
  const from = (option: string, key: string, what: string, viaCli: boolean, given: boolean) =>
    viaCli ? `--${option}` : given && settings ? `${key} (settings file ${settings.file})` : `the default ${what}`;
  const logPath = logOption !== undefined ? resolve(logOption) : join(backupDir, 'kmsdb-audit.log');
  const where: Where = {
    backup: from('backup-dir', 'backupDir', 'backup folder', args['backup-dir'] !== undefined, backupOption !== undefined),
    log: from('log', 'log', 'audit log', args.log !== undefined, logOption !== undefined),
  };
  const folders = { dbReal, backupDir, logPath };
  checkFolders(command, folders, where, 'check the log file');
  const wait = args.wait === undefined ? DEFAULT_WAIT_SECONDS : Number(args.wait);
  if (!Number.isFinite(wait) || wait < 0) throw usage(`${command}: --wait must be a number of seconds, not '${String(args.wait)}'.`);
  return {
    ctx: {
      dbReal,
      backupDir,
      logPath,
      force: command === 'reset' ? args['allow-numscerts'] === true : args.force === true,
      allowAmbiguous: command === 'reset' && args['allow-ambiguous'] === true,
      whatIf: args['what-if'] === true,
      checkFolders: () => checkFolders(command, folders, where, 'the append checks it'),
    },
    recheck: () => checkFolders(command, folders, where, 'check the log file'),
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
async function runChanges<T>(
  command: string,
  setup: ChangeSetup,
  select: () => T[],
  apply: (request: T) => ChangeResult,
  io: Io,
): Promise<number> {
  let lock = null;
  if (!setup.ctx.whatIf) {
    try {
      lock = await acquireLock(setup.ctx.dbReal, command, setup.waitMs);
    } catch (err) {
      if (err instanceof LockBusyError) throw new ExitError(EXIT.LOCKED, err.message);
      if (err instanceof LockPathError)
        throw new ExitError(EXIT.DATABASE, `The database folder ${setup.ctx.dbReal} cannot be locked: ${err.message}.`);
      throw new ExitError(EXIT.DATABASE, `The database folder ${setup.ctx.dbReal} cannot be locked: ${describeFsError(err)}.`);
    }
  }
  try {
    if (lock) {
      // The backup folder or the log may have been swapped for a link while this run waited for the lock.
      setup.recheck();
      const mode = folderReadableByOthers(setup.ctx.backupDir);
      if (mode !== null)
        io.stderr.write(
          `kmsdb: warning: the backup folder ${setup.ctx.backupDir} can be opened by other users (mode ${mode.toString(8)}), ` +
            `and backups hold key material; make it 700.\n`,
        );
      // What earlier runs left when they were killed or failed, and only that.
      removeStaleTemps(setup.ctx.dbReal);
      removeLockLeftovers(setup.ctx.dbReal);
      removeBackupLeftovers(setup.ctx.backupDir);
    }
    const requests = select();
    const sink = new TextSink(io.stdout);
    const out = new ItemWriter(sink, setup.format, 'results');
    const progress = setup.progress
      ? new ProgressReporter(io.stderr, requests.length, command === 'reset' ? 'Resetting KMS records' : 'Restoring KMS records')
      : null;
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
    ...CHANGE_OPTIONS,
    'allow-numscerts': { type: 'boolean' },
    'allow-ambiguous': { type: 'boolean' },
    id: { type: 'string', multiple: true },
    mailbox: { type: 'string', multiple: true },
    stdin: { type: 'boolean' },
  });
  const database = databaseOption('reset', args);
  const sources = [args.id !== undefined, args.mailbox !== undefined, args.stdin === true].filter(Boolean).length;
  if (sources !== 1) throw usage("reset: name the records with exactly one of --id, --mailbox or --stdin. See 'kmsdb --help'.");
  const setup = changeSetup('reset', args, database);

  let select: () => ChangeRequest[];
  if (args.stdin) {
    // Bad input must fail before the lock is taken or anything is read.
    const fromStdin = parseRequests(await readAll(io.stdin));
    select = () => fromStdin;
  } else if (args.id) {
    const ids = args.id;
    select = () => {
      const matched = matchIds(ids, recordFiles(setup.ctx.dbReal).names, recordId);
      return ids.map((id) => {
        const { matches } = matched.get(id) ?? { matches: [] };
        if (matches.length > 1) return { path: `${id}.ini`, ambiguousWith: matches };
        return { path: matches[0] ?? `${id}.ini` };
      });
    };
  } else {
    const mailbox = args.mailbox ?? [];
    select = () => [...selectRecords({ path: setup.ctx.dbReal, mailbox }).records()].map((r) => ({ path: r.path }));
  }
  return runChanges('reset', setup, select, (r) => resetRecord(setup.ctx, r), io);
}

/** An audit log's entries; any line that is not one makes the whole log unusable (exit 2). */
function auditLog(logPath: string): AuditEntry[] {
  try {
    return readAuditLog(logPath);
  } catch (err) {
    if (err instanceof AuditLogError) throw usage(`restore: ${err.message}; nothing was restored.`);
    throw err;
  }
}

/**
 * The ids a request names, each to the one file it means: an exact name
 * wins; else a name that matches one file up to letter case (as on NTFS);
 * several such files and no exact one are ambiguous.
 */
export function matchIds<T>(
  ids: readonly string[],
  candidates: readonly T[],
  idOf: (candidate: T) => string,
): Map<string, { matches: T[]; exact: boolean }> {
  const out = new Map<string, { matches: T[]; exact: boolean }>();
  for (const id of ids) {
    const exact = candidates.filter((candidate) => idOf(candidate) === id);
    out.set(
      id,
      exact.length > 0
        ? { matches: exact, exact: true }
        : { matches: candidates.filter((candidate) => idOf(candidate).toLowerCase() === id.toLowerCase()), exact: false },
    );
  }
  return out;
}

/** What a log, or piped log lines, can say about a reset: enough to undo it. */
type LoggedChange = Pick<AuditEntry, 'event' | 'id' | 'path' | 'backupPath' | 'sha256Before' | 'sha256After'>;

/**
 * What log entries say to undo: the latest reset of each record in this
 * database that the entries do not also show as failed. Every check of the
 * backup and the record is left to restoreRecord, which refuses per record.
 */
function restoresFromEntries(all: readonly LoggedChange[], dbReal: string, ids: readonly string[] | undefined): RestoreRequest[] {
  // A shared log may name other databases' records: those are not this run's to restore.
  const entries = all.filter((e) => samePath(dirname(e.path), dbReal));
  const resets = new Map<string, LoggedChange[]>();
  for (const e of entries) {
    if (e.event === 'reset') resets.set(e.path, [...(resets.get(e.path) ?? []), e]);
    if (e.event === 'reset-failed') {
      const list = resets.get(e.path) ?? [];
      const at = list.findIndex((r) => r.backupPath === e.backupPath && r.sha256After === e.sha256After);
      if (at >= 0) list.splice(at, 1);
    }
  }
  let latest = [...resets.values()].map((list) => list.at(-1)).filter((e): e is LoggedChange => e !== undefined);
  if (ids) {
    const wanted = new Set(
      [...matchIds(ids, latest, (e) => e.id).values()].flatMap((m) => (m.exact || m.matches.length === 1 ? m.matches : [])),
    );
    latest = latest.filter((e) => wanted.has(e));
  }
  return latest.map((e) => ({ path: e.path, backupPath: e.backupPath, expectSha256: e.sha256After, backupSha256: e.sha256Before }));
}

/**
 * What the audit log records of each backup file (the latest line naming it
 * winning): its hash (sha256Before) and the record's hash right after that
 * change (sha256After). Read once; empty when there is no log yet.
 */
function loggedBackups(logPath: string): (backupPath: string) => { sha256Before: string; sha256After: string } | null {
  const logged = new Map<string, { sha256Before: string; sha256After: string }>();
  if (existsSync(logPath))
    for (const e of auditLog(logPath)) logged.set(pathKey(e.backupPath), { sha256Before: e.sha256Before, sha256After: e.sha256After });
  return (backupPath) => logged.get(pathKey(backupPath)) ?? null;
}

/** The record a backup was taken of: NAME.ini.TIMESTAMP.bak is NAME.ini in the database folder. */
function recordOfBackup(dbReal: string, backupPath: string): string {
  const name = backupRecordName(backupPath);
  if (!name) throw usage(`restore: ${backupPath} is not a kmsdb backup (NAME.ini.TIMESTAMP.bak).`);
  return join(dbReal, name);
}

/**
 * What piped input says to restore. Audit-log lines are chosen as --from-log
 * chooses them; a reset's results each name their backup. The input's hashes
 * only add checks: what vouches for a backup, and says what the record must
 * still hold, is the audit log on disk when it names the backup; else the
 * backup must look like a record kmsdb backed up, as with --backup.
 */
function restoresFromItems(items: readonly RestoreItem[], setup: ChangeSetup): (RestoreRequest | ChangeResult)[] {
  const logged = loggedBackups(setup.ctx.logPath);
  const request = (path: string, backupPath: string, claimedBefore: string | null, claimedAfter: string | null): RestoreRequest => {
    const entry = logged(backupPath);
    return {
      path,
      backupPath,
      backupSha256: entry?.sha256Before ?? null,
      claimedBackupSha256: claimedBefore,
      expectSha256: entry?.sha256After ?? claimedAfter,
    };
  };
  const lines = items.filter((i): i is RestoreItem & LoggedChange => i.event !== undefined);
  const fromLines = restoresFromEntries(lines, setup.ctx.dbReal, undefined).map((r) =>
    request(r.path, r.backupPath, r.backupSha256 ?? null, r.expectSha256 ?? null),
  );
  const fromResults = items
    .filter((i) => i.event === undefined)
    .map((i): RestoreRequest | ChangeResult => {
      if (i.backupPath === null) {
        return refusal(
          i.path ?? '',
          'no-backup',
          'The input names no backup: the change it reports wrote nothing, so there is nothing to restore.',
        );
      }
      const backupPath = resolve(i.backupPath);
      return request(i.path ?? recordOfBackup(setup.ctx.dbReal, backupPath), backupPath, i.sha256Before ?? null, i.sha256After ?? null);
    });
  return [...fromLines, ...fromResults];
}

export async function runRestore(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('restore', argv, {
    ...CHANGE_OPTIONS,
    force: { type: 'boolean' },
    backup: { type: 'string', multiple: true },
    'from-log': { type: 'string' },
    id: { type: 'string', multiple: true },
    stdin: { type: 'boolean' },
  });
  const database = databaseOption('restore', args);
  const sources = [args.backup !== undefined, args['from-log'] !== undefined, args.stdin === true].filter(Boolean).length;
  if (sources !== 1)
    throw usage("restore: name what to restore with exactly one of --backup FILE, --from-log FILE or --stdin. See 'kmsdb --help'.");
  if (args.id && !args['from-log']) throw usage('restore: --id goes with --from-log.');
  const setup = changeSetup('restore', args, database);
  let requests: (RestoreRequest | ChangeResult)[];
  if (args.backup) {
    const logged = loggedBackups(setup.ctx.logPath);
    requests = args.backup.map((file) => {
      const backupPath = resolve(file);
      const entry = logged(backupPath);
      return {
        path: recordOfBackup(setup.ctx.dbReal, file),
        backupPath,
        expectSha256: entry?.sha256After ?? null,
        backupSha256: entry?.sha256Before ?? null,
      };
    });
  } else if (args.stdin) {
    // Bad input must fail before the lock is taken or anything is read.
    requests = restoresFromItems(parseRestoreItems(await readAll(io.stdin)), setup);
  } else {
    requests = restoresFromEntries(auditLog(resolve(args['from-log'] as string)), setup.ctx.dbReal, args.id);
  }
  return runChanges(
    'restore',
    setup,
    () => requests,
    (r) => ('status' in r ? r : restoreRecord(setup.ctx, r)),
    io,
  );
}

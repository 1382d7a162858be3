import { trace } from '../trace.js';
import { hostname } from 'node:os';
import { existsSync, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  refusal,
  resetRecord,
  restoreRecord,
  type ChangeContext,
  type ChangeRequest,
  type ChangeResult,
  type Override,
  type RestoreRequest,
} from '../change/reset-restore.js';
import { notFoundMessage, selectRecords } from '../scan/read-records.js';
import { recordId } from '../records/record.js';
import { describeFsError } from '../fs-errors.js';
import { recordFiles } from '../scan/listing.js';
import { pathKey, samePath } from '../change/target.js';
import { errorCode, isMissing } from '../fs-errors.js';
import type { ServerSettings } from '../settings/index.js';
import {
  checkLogPath,
  LOG_PATH_REASONS,
  LogPathError,
  forEachAuditEntry,
  AuditLogError,
  prepareAudit,
  type AuditEntry,
} from '../safety/audit.js';
import { folderReadableByOthers } from '../safety/private-folder.js';
import { removeStaleTemps } from '../safety/atomic.js';
import { backupRecordName, defaultBackupDir, removeBackupLeftovers } from '../safety/backup.js';
import { acquireLock, LockBusyError, LockPathError, removeLockLeftovers, type Lock } from '../safety/lock.js';
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
    throw new ExitError(
      EXIT.DATABASE,
      `The database folder ${resolve(path)} cannot be read: ${describeFsError(err)}.`,
      isMissing(err) ? 'database-not-found' : undefined,
    );
  }
  if (!statSync(real).isDirectory()) throw usage(`${command}: --path must name the database folder, and ${real} is a file.`);
  return real;
}

/** The one override each command has: reset, of NumSCerts; restore, of a record changed since its reset. */
type OverrideArgs = { force?: boolean; 'allow-numscerts'?: boolean; 'allow-ambiguous'?: boolean };
type ChangeArgs = Partial<Record<keyof typeof CHANGE_OPTIONS, string | boolean | (string | boolean)[]>> & OverrideArgs;

/** The database folder the options or the settings file name; a usage error when neither does. */
async function databaseOption(command: string, args: ChangeArgs): Promise<{ path: string; settings: ServerSettings | null }> {
  const settings = await settingsFor(args.config as string | undefined);
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
  // A folder not made yet is made where a link to nowhere points: no run could make it.
  const reach = (what: string, folder: string) => {
    const { found, deadLink } = nearestExisting(folder);
    if (deadLink) throw usage(`${command}: ${what} ${folder} leads through ${deadLink}, a link to nowhere; no folder can be made there.`);
    return found;
  };
  // The backup folder may not exist yet: the first backup makes it, and the folders above it. One that is
  // something else (a device, a file, a path through a file) is bad input, not a database that cannot be read.
  const existing = reach(where.backup, backupDir);
  reach(where.log, dirname(logPath));
  if (existing && !existing.isDirectory())
    throw usage(`${command}: ${where.backup} ${backupDir} is not a folder; backups go into a folder of their own.`);
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

/**
 * Above a path not made yet: the nearest path that exists (`found`), or the
 * symbolic link on the way that leads nowhere a folder can be made
 * (`deadLink`: to a missing path, through a file, or round to itself); neither
 * when that cannot be told (access denied, say).
 */
function nearestExisting(path: string): { found?: Stats; deadLink?: string } {
  for (let at = path; ; at = dirname(at)) {
    let found: Stats | undefined;
    let untold = false;
    try {
      found = statSync(at, { throwIfNoEntry: false });
    } catch (err) {
      // Node 20 throws ENOTDIR for a path through a file, where Node 22 returns undefined; ELOOP is a link loop.
      untold = errorCode(err) !== 'ENOTDIR' && errorCode(err) !== 'ELOOP';
    }
    if (found) return { found };
    try {
      if (lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink()) return { deadLink: at };
    } catch {
      // A name below a link or a file: look above.
    }
    if (untold || dirname(at) === at) return {};
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
  let logReady = false;
  return {
    ctx: {
      dbReal,
      backupDir,
      logPath,
      force: command === 'reset' ? args['allow-numscerts'] === true : args.force === true,
      allowAmbiguous: command === 'reset' && args['allow-ambiguous'] === true,
      whatIf: args['what-if'] === true,
      checkFolders: () => checkFolders(command, folders, where, 'the append checks it'),
      prepareLog: () => {
        if (logReady) return;
        prepareAudit(logPath);
        logReady = true;
      },
    },
    recheck: () => checkFolders(command, folders, where, 'check the log file'),
    format: parseFormat(command, args.format as string | undefined),
    progress: args.progress === true,
    waitMs: wait * 1000,
  };
}

/** How the command line names each override (schemas/reset-result.schema.json). */
const OVERRIDE_OPTION: Record<Override, { option: string; verb: string }> = {
  allowNumSCerts: { option: '--allow-numscerts', verb: 'reset' },
  allowAmbiguous: { option: '--allow-ambiguous', verb: 'reset' },
  force: { option: '--force', verb: 'restore' },
};

/** A result as the command line says it: a refusal names the option that lifts it. A requester words that itself. */
function worded(result: ChangeResult, io: Io): ChangeResult {
  if (!result.override || io.request) return result;
  const { option, verb } = OVERRIDE_OPTION[result.override];
  return { ...result, message: `${result.message} Use ${option} to ${verb} it anyway.` };
}

/** The answer to a plan, exactly: {"confirm":[...]} with indexes in decimal, no sign, fraction or leading zero. */
const ANSWER =
  /^[ \t]*\{[ \t]*"confirm"[ \t]*:[ \t]*\[[ \t]*(?:(?:0|[1-9][0-9]*)[ \t]*(?:,[ \t]*(?:0|[1-9][0-9]*)[ \t]*)*)?\][ \t]*\}[ \t]*$/;

const refused = (r: ChangeResult) => r.status === 'skipped' || r.status === 'failed';

/**
 * The requester's answer to a plan: the indexes of the planned records to
 * change, each one whose plan changes it or leaves it unchanged. The end of
 * its input is an answer too: change nothing.
 */
async function confirmedIndexes(reply: (limit: number) => Promise<string | null>, plan: readonly ChangeResult[]): Promise<number[]> {
  // Every index, written with room to spare for spaces: an answer longer than that answers no plan of this size.
  const limit = 64 + 32 * plan.length;
  let line: string | null;
  try {
    line = await reply(limit);
  } catch (err) {
    if (err instanceof ExitError)
      throw usage(
        `the answer to the plan is longer than ${limit} bytes, more than any answer to ${plan.length} records; nothing was changed.`,
      );
    throw err;
  }
  if (line === null) return [];
  let answer: unknown;
  try {
    answer = JSON.parse(line);
  } catch {
    throw usage('the answer to the plan is not JSON; nothing was changed.');
  }
  // Only the list, in the one form a requester writes: a key kmsdb does not know could be read as a wish
  // that was never granted, and JSON that says more than one thing (the key twice, where the last one
  // wins; 1e0 or -0 for an index; an escaped key) would be read one way here and meant another.
  if (!ANSWER.test(line))
    throw usage('the answer to the plan must be {"confirm":[i, ...]}, the indexes of the records to change; nothing was changed.');
  const list = (answer as { confirm: number[] }).confirm;
  // One answer: a second line says something else, and kmsdb cannot tell which the requester meant.
  // Blank lines are read to the end of the input, and no further than the answer's own limit.
  let more = false;
  try {
    let left = limit;
    for (let next = await reply(left); next !== null && !more; next = await reply(left)) {
      left -= next.length + 1;
      more = next.trim() !== '' || left < 0;
    }
  } catch (err) {
    if (!(err instanceof ExitError)) throw err;
    more = true;
  }
  if (more) throw usage('the answer to the plan is followed by more input; send one answer, then end the input; nothing was changed.');
  const seen = new Set<number>();
  for (const i of list) {
    const planned = plan[i];
    if (planned === undefined || refused(planned) || seen.has(i))
      throw usage(`the answer to the plan names record ${i}, which the plan does not offer to change (once); nothing was changed.`);
    seen.add(i);
  }
  return [...seen].sort((a, b) => a - b);
}

/** One database's part of a run: its setup, and the records to change once its lock is held. */
interface ChangeGroup<T> {
  setup: ChangeSetup;
  select: () => (T | ChangeResult)[];
  /** False when the group is known to hold nothing to change (only refusals): its database is not locked. */
  needsLock?: boolean;
}

/** Takes a database's lock, and clears what earlier runs left when they were killed or failed, and only that. */
async function lockDatabase(command: string, setup: ChangeSetup, io: Io) {
  let lock;
  try {
    lock = await acquireLock(setup.ctx.dbReal, command, setup.waitMs);
  } catch (err) {
    if (err instanceof LockBusyError) throw new ExitError(EXIT.LOCKED, err.message);
    if (err instanceof LockPathError)
      throw new ExitError(EXIT.DATABASE, `The database folder ${setup.ctx.dbReal} cannot be locked: ${err.message}.`);
    throw new ExitError(EXIT.DATABASE, `The database folder ${setup.ctx.dbReal} cannot be locked: ${describeFsError(err)}.`);
  }
  try {
    // The backup folder or the log may have been swapped for a link while this run waited for the lock.
    setup.recheck();
    const mode = folderReadableByOthers(setup.ctx.backupDir);
    if (mode !== null)
      io.stderr.write(
        `kmsdb: warning: the backup folder ${setup.ctx.backupDir} can be opened by other users (mode ${mode.toString(8)}), ` +
          `and backups hold key material; make it 700.\n`,
      );
    removeStaleTemps(setup.ctx.dbReal);
    removeLockLeftovers(setup.ctx.dbReal);
    removeBackupLeftovers(setup.ctx.backupDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  return lock;
}

/** A folder's identity on its volume (device and inode; volume serial and file ID on Windows), else its path. */
function folderIdentity(dir: string): string {
  try {
    const st = statSync(dir, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return pathKey(dir);
  }
}

/**
 * Takes the lock of every database a run changes before it changes any
 * record, each database once and in one order (by path), so that two runs
 * never hold one lock each while they wait for the other's. A database that
 * cannot be locked ends the run with nothing changed, as its exit code says,
 * not after another database's records were changed.
 */
async function lockDatabases(command: string, setups: readonly ChangeSetup[], io: Io): Promise<Lock[]> {
  // One folder under two real paths (a bind mount, an 8.3 name, a second drive letter) is one folder: its
  // lock is taken once, or the run would wait on its own.
  const byFolder = new Map<string, ChangeSetup>();
  for (const setup of [...setups].sort((a, b) => (pathKey(a.ctx.dbReal) < pathKey(b.ctx.dbReal) ? -1 : 1))) {
    const id = folderIdentity(setup.ctx.dbReal);
    if (!byFolder.has(id)) byFolder.set(id, setup);
  }
  const locks: Lock[] = [];
  try {
    for (const setup of byFolder.values()) locks.push(await lockDatabase(command, setup, io));
  } catch (err) {
    for (const lock of locks) lock.release();
    throw err;
  }
  return locks;
}

/**
 * Runs changes one record at a time under each database's lock (none for
 * --what-if), writing each result as it is made. The records are selected
 * once the lock is held, so that a run that waited sees the database as the
 * run before it left it. Exit 1 when any record was skipped or failed.
 *
 * A request with `confirm` plans first, without a lock: it prints what
 * --what-if would print, then waits for the requester's answer and changes
 * exactly the records confirmed, each only while it still has the hash that
 * was planned (every other rule is applied again).
 */
async function runChanges<T extends { sha256?: string | null; plannedSha256After?: string | null }>(
  command: string,
  groups: readonly ChangeGroup<T>[],
  apply: (request: T, ctx: ChangeContext) => ChangeResult,
  io: Io,
  options: { format: Format; progress: boolean; whatIf: boolean },
  /** Refusals that belong to no database, reported before the rest. */
  upFront: readonly ChangeResult[] = [],
): Promise<number> {
  const sink = new TextSink(io.stdout);
  const out = new ItemWriter(sink, options.format, 'results');
  const activity = command === 'reset' ? 'Resetting KMS records' : 'Restoring KMS records';
  const run = (request: T | ChangeResult, ctx: ChangeContext) => ('status' in request ? request : apply(request, ctx));
  const reply = io.request?.reply;
  let refusals = 0;
  // Per group, the records to change once its lock is held; null: select them then.
  let chosen: ((T | ChangeResult)[] | null)[] = groups.map(() => null);
  // A requester (the module) is told where each database's backups and audit log go, as kmsdb resolved
  // them (an option, the settings file or the default), before anything is planned or changed.
  if (io.request) for (const { setup } of groups) io.stderr.write(`${JSON.stringify(foldersEvent(setup.ctx))}\n`);

  if (reply) {
    if (options.format !== 'ndjson') throw usage(`${command}: a request that asks to confirm a plan takes format ndjson.`);
    const requests = groups.map((g) => g.select());
    out.begin();
    const total = requests.reduce((n, list) => n + list.length, upFront.length);
    const progress = options.progress ? new ProgressReporter(io.stderr, total, `Planning: ${activity}`) : null;
    const plan: { group: number; request: T | ChangeResult; planned: ChangeResult }[] = [];
    for (const planned of upFront) {
      plan.push({ group: -1, request: planned, planned });
      await out.item(planned);
    }
    for (const [group, list] of requests.entries()) {
      const planCtx = { ...groups[group]!.setup.ctx, whatIf: true };
      for (const request of list) {
        const planned = run(request, planCtx);
        plan.push({ group, request, planned });
        await out.item(worded(planned, io));
        progress?.update(plan.length);
      }
    }
    await sink.write('{"type":"plan-end"}\n');
    await sink.flush();
    refusals = plan.filter((p) => refused(p.planned)).length;
    const answer = await confirmedIndexes(
      reply,
      plan.map((p) => p.planned),
    );
    if (options.whatIf) answer.length = 0;
    // Tests see how many records a requester confirmed: under -WhatIf, none.
    trace({ planned: plan.length, confirmed: answer.length });
    chosen = groups.map(() => []);
    // What was planned is what may be changed: the record must still hold the bytes it was planned on.
    for (const i of answer) {
      const { request, planned, group } = plan[i]!;
      // A restore also puts back exactly the bytes that were planned: a backup swapped since is refused.
      chosen[group]!.push({ ...(request as T), sha256: planned.sha256Before, plannedSha256After: planned.sha256After });
    }
  }

  const changing = groups.filter((group, g) => chosen[g]?.length !== 0 && group.needsLock !== false).map((group) => group.setup);
  const locks = options.whatIf ? [] : await lockDatabases(command, changing, io);
  try {
    if (!reply) {
      if (upFront.length > 0 || groups.length === 0) out.begin();
      for (const r of upFront) await out.item(r);
      refusals += upFront.length;
    }
    for (const [g, group] of groups.entries()) {
      if (chosen[g]?.length === 0) continue;
      let requests = chosen[g];
      if (!requests) {
        requests = group.select();
        if (g === 0 && upFront.length === 0) out.begin();
      }
      const progress = options.progress ? new ProgressReporter(io.stderr, requests.length, activity) : null;
      progress?.update(0);
      for (const [i, request] of requests.entries()) {
        const r = run(request, group.setup.ctx);
        if (refused(r)) refusals++;
        await out.item(worded(r, io));
        progress?.update(i + 1);
      }
    }
  } finally {
    for (const lock of locks) lock.release();
  }
  await out.end();
  return refusals > 0 ? EXIT.REFUSED : EXIT.OK;
}

/** The stderr event of a request that names a database's backup folder and audit log (schemas/event.schema.json). */
function foldersEvent(ctx: ChangeContext): { type: 'folders'; database: string; backupDir: string; log: string } {
  return { type: 'folders', database: ctx.dbReal, backupDir: ctx.backupDir, log: ctx.logPath };
}

/** The options every group of a run shares. */
const runOptions = (setup: ChangeSetup) => ({ format: setup.format, progress: setup.progress, whatIf: setup.ctx.whatIf });

export async function runReset(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('reset', argv, {
    ...CHANGE_OPTIONS,
    'allow-numscerts': { type: 'boolean' },
    'allow-ambiguous': { type: 'boolean' },
    id: { type: 'string', multiple: true },
    mailbox: { type: 'string', multiple: true },
    stdin: { type: 'boolean' },
  });
  const database = await databaseOption('reset', args);
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
    select = () => {
      const selection = selectRecords({ path: setup.ctx.dbReal, mailbox });
      const chosen: (ChangeRequest | ChangeResult)[] = [...selection.records()].map((r) => ({ path: r.path }));
      // A pattern that matches no record (a typo) is refused as an --id that names no file is; the others go ahead.
      for (const pattern of selection.unmatched()) {
        const missed = refusal(setup.ctx.dbReal, 'not-found', notFoundMessage(pattern, selection.unread()));
        chosen.push({ ...missed, id: '', mailbox: pattern });
      }
      return chosen;
    };
  }
  return runChanges('reset', [{ setup, select }], (r: ChangeRequest, ctx) => resetRecord(ctx, r), io, runOptions(setup));
}

/** Reads an audit log's entries one at a time; any line that is not one makes the whole log unusable (exit 2). */
function auditLog(logPath: string, onEntry: (entry: AuditEntry) => void): void {
  try {
    forEachAuditEntry(logPath, onEntry);
  } catch (err) {
    if (err instanceof AuditLogError) throw usage(`restore: ${err.message}; nothing was restored.`, 'audit-log-invalid');
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

/** What a log, or piped log lines, can say about a reset: enough to undo it, and where it was made. */
type LoggedChange = Pick<AuditEntry, 'event' | 'id' | 'path' | 'backupPath' | 'sha256Before' | 'sha256After'> & { host?: string };

/** This computer's names as a log's `host` may give them: the name, or the name with its domain. */
function isThisComputer(host: string): boolean {
  const here = hostname().toLowerCase();
  const name = host.toLowerCase();
  return name === here || name.split('.')[0] === here.split('.')[0];
}

/** One record's resets, in log order; a reset that a later reset-failed line takes back is left as a hole. */
interface RecordResets {
  resets: (LoggedChange | null)[];
  /** Per backup and hash after: where its resets not yet taken back are, and how many of them are. */
  open: Map<string, { at: number[]; next: number }>;
}

/**
 * What log entries say to undo: the latest reset of each record in this
 * database that the entries do not also show as failed, made on this computer
 * (a log's paths are those of the computer that wrote it). A reset-failed line
 * takes back the earliest reset with its backup and hash that is not yet
 * taken back. Each entry costs the same however many came before it, so a
 * log that repeats one line is read in linear time. Every check of the
 * backup and the record is left to restoreRecord, which refuses per record.
 */
export class LoggedResets {
  private readonly byPath = new Map<string, RecordResets>();
  /** How many entries named a record of this database. */
  private seen = 0;

  constructor(private readonly dbReal: string) {}

  /** The database folder whose resets these are. */
  get database(): string {
    return this.dbReal;
  }

  add(e: LoggedChange): void {
    if (e.event !== 'reset' && e.event !== 'reset-failed') return;
    // A shared log may name other databases' records: those are not this run's to restore.
    if (!samePath(dirname(e.path), this.dbReal)) return;
    this.seen++;
    const key = `${pathKey(e.backupPath)}\0${e.sha256After}`;
    const name = pathKey(e.path);
    let record = this.byPath.get(name);
    if (e.event === 'reset') {
      if (!record) this.byPath.set(name, (record = { resets: [], open: new Map() }));
      const open = record.open.get(key) ?? { at: [], next: 0 };
      record.open.set(key, open);
      open.at.push(record.resets.length);
      // Only what a restore needs: a log of many resets keeps no more than it must.
      const { event, id, path, backupPath, sha256Before, sha256After, host } = e;
      record.resets.push(
        host === undefined
          ? { event, id, path, backupPath, sha256Before, sha256After }
          : { event, id, path, backupPath, sha256Before, sha256After, host },
      );
      return;
    }
    const open = record?.open.get(key);
    if (!record || !open || open.next >= open.at.length) return;
    record.resets[open.at[open.next++] as number] = null;
  }

  /**
   * What to restore, and what is refused: with `ids`, only those records, each of which must be
   * in the log; a reset another computer made. With `source` (the log's name), a log that names
   * no record of this database says so.
   */
  requests(ids: readonly string[] | undefined, source: string | null = null): (RestoreRequest | ChangeResult)[] {
    const dbReal = this.dbReal;
    let latest: LoggedChange[] = [];
    for (const { resets } of this.byPath.values()) {
      let at = resets.length - 1;
      while (at >= 0 && resets[at] === null) at--;
      if (at >= 0) latest.push(resets[at] as LoggedChange);
    }
    const out: (RestoreRequest | ChangeResult)[] = [];
    if (source !== null && this.seen === 0 && !ids)
      out.push(refusal(dbReal, 'not-logged', `The audit log ${source} records no change of a record in ${dbReal}.`));
    if (ids) {
      const wanted = new Set<LoggedChange>();
      for (const [id, m] of matchIds(ids, latest, (e) => e.id)) {
        if (m.exact || m.matches.length === 1) for (const e of m.matches) wanted.add(e);
        else if (m.matches.length === 0)
          out.push(refusal(join(dbReal, `${id}.ini`), 'not-logged', `The audit log records no reset of ${id} in ${dbReal} to restore.`));
        else
          out.push(
            refusal(
              join(dbReal, `${id}.ini`),
              'ambiguous-name',
              `The audit log records resets of several records whose names differ from ${id} only in letter case; name one exactly.`,
            ),
          );
      }
      latest = latest.filter((e) => wanted.has(e));
    }
    for (const e of latest) {
      if (e.host !== undefined && !isThisComputer(e.host)) {
        out.push(
          refusal(e.path, 'other-computer', `It was reset on ${e.host}, and the log's paths are that computer's; restore it there.`),
        );
        continue;
      }
      out.push({ path: e.path, backupPath: e.backupPath, expectSha256: e.sha256After, backupSha256: e.sha256Before });
    }
    return out;
  }
}

function restoresFromEntries(
  all: Iterable<LoggedChange>,
  dbReal: string,
  ids: readonly string[] | undefined,
  source: string | null,
): (RestoreRequest | ChangeResult)[] {
  const resets = new LoggedResets(dbReal);
  for (const e of all) resets.add(e);
  return resets.requests(ids, source);
}

/**
 * What the audit log records of each backup file (the latest line naming it
 * winning): its hash (sha256Before) and the record's hash right after that
 * change (sha256After). Read once; empty when there is no log yet.
 */
function loggedBackups(logPath: string): (backupPath: string) => { sha256Before: string; sha256After: string } | null {
  const logged = new Map<string, { sha256Before: string; sha256After: string }>();
  if (existsSync(logPath))
    auditLog(logPath, (e) => logged.set(pathKey(e.backupPath), { sha256Before: e.sha256Before, sha256After: e.sha256After }));
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
  const request = (
    path: string,
    backupPath: string,
    claimedBefore: string | null,
    claimedAfter: string | null,
    planned: string | null,
  ): RestoreRequest => {
    const entry = logged(backupPath);
    return {
      path,
      backupPath,
      backupSha256: entry?.sha256Before ?? null,
      claimedBackupSha256: claimedBefore,
      expectSha256: entry?.sha256After ?? claimedAfter,
      // The record as a plan made elsewhere saw it: what was asked about is what may be restored, --force or not.
      sha256: planned,
    };
  };
  const lines = items.filter((i): i is RestoreItem & LoggedChange => i.event !== undefined);
  // The line chosen for each record is one of these objects: its backupPath is the same string.
  const plannedOf = new Map(lines.filter((i) => i.sha256).map((i) => [i.backupPath, i.sha256!]));
  const fromLines = restoresFromEntries(lines, setup.ctx.dbReal, undefined, null).map((r) =>
    'status' in r ? r : request(r.path, r.backupPath, r.backupSha256 ?? null, r.expectSha256 ?? null, plannedOf.get(r.backupPath) ?? null),
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
      return request(
        i.path ?? recordOfBackup(setup.ctx.dbReal, backupPath),
        backupPath,
        i.sha256Before ?? null,
        i.sha256After ?? null,
        i.sha256 ?? null,
      );
    });
  return [...fromLines, ...fromResults];
}

const RESTORE_OPTIONS = {
  ...CHANGE_OPTIONS,
  force: { type: 'boolean' },
  backup: { type: 'string', multiple: true },
  'from-log': { type: 'string' },
  id: { type: 'string', multiple: true },
  stdin: { type: 'boolean' },
} as const;

type RestoreArgs = ChangeArgs & { 'from-log'?: string; id?: string[] };

export async function runRestore(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('restore', argv, RESTORE_OPTIONS);
  const sources = [args.backup !== undefined, args['from-log'] !== undefined, args.stdin === true].filter(Boolean).length;
  if (sources !== 1)
    throw usage("restore: name what to restore with exactly one of --backup FILE, --from-log FILE or --stdin. See 'kmsdb --help'.");
  if (args.id && !args['from-log']) throw usage('restore: --id goes with --from-log.');
  const apply = (r: RestoreRequest, ctx: ChangeContext) => restoreRecord(ctx, r);
  if (args['from-log'] !== undefined && args.path === undefined && !(await settingsFor(args.config as string | undefined))?.database)
    return restoreWholeLog(args, io, apply);
  const database = await databaseOption('restore', args);
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
    const log = resolve(args['from-log'] as string);
    const resets = new LoggedResets(setup.ctx.dbReal);
    auditLog(log, (e) => resets.add(e));
    requests = resets.requests(args.id, log);
  }
  return runChanges('restore', [{ setup, select: () => requests }], apply, io, runOptions(setup));
}

/**
 * `restore --from-log` with no database named: each database folder the log
 * names, in the order the log first names it, under all their locks (lockDatabases).
 */
async function restoreWholeLog(args: RestoreArgs, io: Io, apply: (r: RestoreRequest, ctx: ChangeContext) => ChangeResult): Promise<number> {
  const log = resolve(args['from-log'] as string);
  // One pass over the log, one set of resets per database folder it names.
  const byFolder = new Map<string, LoggedResets>();
  auditLog(log, (e) => {
    if (e.event !== 'reset' && e.event !== 'reset-failed') return;
    const key = pathKey(dirname(e.path));
    let resets = byFolder.get(key);
    if (!resets) byFolder.set(key, (resets = new LoggedResets(dirname(e.path))));
    resets.add(e);
  });
  // An id is missing from the log only when no database of it has it.
  const missing = new Map<string, { result: ChangeResult; count: number }>();
  const groups = [...byFolder.values()].map((resets) => {
    const setup = changeSetup('restore', args, { path: resets.database, settings: null });
    const requests = resets.requests(args.id, null).filter((r) => {
      if (!('status' in r) || r.code !== 'not-logged') return true;
      const seen = missing.get(r.id);
      missing.set(r.id, { result: seen?.result ?? r, count: (seen?.count ?? 0) + 1 });
      return false;
    });
    // A database the log has nothing to restore in (after --id) is not locked: another run may hold it.
    return { setup, select: () => requests, needsLock: requests.some((r) => !('status' in r)) };
  });
  const options = {
    format: parseFormat('restore', args.format as string | undefined),
    progress: args.progress === true,
    whatIf: args['what-if'] === true,
  };
  const nothing =
    groups.length === 0
      ? [refusal(log, 'not-logged', `The audit log ${log} records no reset to restore.`)]
      : [...missing.values()].filter((m) => m.count === groups.length).map((m) => m.result);
  return runChanges('restore', groups, apply, io, options, nothing);
}

import { closeSync, constants, lstatSync, readFileSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { replaceValue } from '../profile/edit.js';
import { appendAudit, auditEntry, retractAudit, type AuditEntry, type AuditMark } from '../safety/audit.js';
import { writeBackup } from '../safety/backup.js';
import { errorText } from '../fs-errors.js';
import { retryWhileHeld, writeRecordBytes } from '../safety/overwrite.js';
import { identityOf, openChecked, UnsafeWriteError } from '../safety/checked-write.js';
import {
  buildRecord,
  diagnose,
  recordId,
  sha256,
  STATE_RECOVERY,
  STATE_UNDEFINED,
  type Diagnosis,
  type KmsRecord,
} from '../records/record.js';
import { readVerifiedBackup } from './backup-check.js';
import { describeFsError } from '../fs-errors.js';
import { FileReader, RecordTooLargeError } from '../scan/file-reader.js';
import { isRefusal, resolveTarget, type Target } from './target.js';

export type ChangeStatus = 'reset' | 'restored' | 'unchanged' | 'skipped' | 'failed' | 'whatif';

export type RefusalCode =
  | 'not-found'
  | 'not-a-record'
  | 'outside-database'
  | 'changed-since-read'
  | 'unreadable'
  | 'empty'
  | 'binary'
  | 'ambiguous'
  | 'no-state'
  | 'unexpected-state'
  | 'unusual-state-value'
  | 'has-certificates'
  | 'read-only'
  | 'backup-failed'
  | 'write-failed'
  | 'changed-since-reset'
  | 'no-backup'
  | 'backup-outside'
  | 'backup-mismatch'
  | 'backup-not-a-record'
  | 'too-large'
  | 'ambiguous-name'
  | 'not-logged'
  | 'other-computer';

/**
 * The request option that lifts a refusal, named as in a request (schemas/request.schema.json).
 * Each front end words it in its own dialect: `--allow-numscerts` on the command line,
 * `-AllowNumSCerts` in PowerShell; the core's messages name none.
 */
export type Override = 'allowNumSCerts' | 'allowAmbiguous' | 'force';

/** The outcome for one requested record (schemas/reset-result.schema.json). */
export interface ChangeResult {
  id: string;
  path: string;
  status: ChangeStatus;
  previousState: number | null;
  state: number | null;
  backupPath: string | null;
  code: RefusalCode | null;
  message: string;
  mailbox: string | null;
  /** The mailbox's short name, as the record's (KmsRecord.alias). */
  alias: string | null;
  sha256Before: string | null;
  sha256After: string | null;
  /** Only on a refusal that an override lifts. */
  override?: Override;
  /** A restore's: the backup it puts back, or would. */
  restoredFrom?: string;
}

export interface ChangeContext {
  /** The database folder, symlinks resolved. */
  dbReal: string;
  backupDir: string;
  logPath: string;
  /** Allow State 4 with NumSCerts present; nothing else. */
  force: boolean;
  /** Allow a record whose State or NumSCerts is in more than one section, reading the first. */
  allowAmbiguous?: boolean;
  whatIf: boolean;
  /**
   * Makes the log ready before the run's first backup (prepareAudit); throws
   * when no line can be written to it.
   */
  prepareLog?: () => void;
  /**
   * Checks again that the backup folder and the log are where they may be
   * (outside the database, the log no backup), right before each write:
   * a folder swapped for a link since the last check is caught here.
   */
  checkFolders?: () => void;
}

/** What a change request names: a record path, and optionally the hash of the bytes that were read. */
export interface ChangeRequest {
  path: string;
  sha256?: string | null;
  /** Set when the request named a record only up to letter case and several files match: it is refused. */
  ambiguousWith?: string[];
  /** A reset's planned result; the record's planned hash pins it already (the edit is fixed by the bytes). */
  plannedSha256After?: string | null;
}

interface LoadedRecord {
  target: Target;
  bytes: Buffer;
  stat: Stats;
  diagnosis: Diagnosis;
  record: KmsRecord;
}

function result(path: string, { status, ...fields }: Partial<ChangeResult> & Pick<ChangeResult, 'status' | 'message'>): ChangeResult {
  // The platform's own separators: on Linux a backslash is part of a file name.
  const name = basename(path);
  return {
    id: recordId(name),
    path,
    status,
    previousState: null,
    state: null,
    backupPath: null,
    code: null,
    mailbox: null,
    alias: null,
    sha256Before: null,
    sha256After: null,
    ...fields,
  };
}

/** What became of a record that was read: its State before and after, and, when it changed, its new hash and its backup. */
interface Change {
  from: number | null;
  to: number | null;
  sha256After?: string;
  backupPath?: string;
  code?: RefusalCode;
}

/** The result for a record that was read; a record left alone keeps its hash. */
function outcome(loaded: LoadedRecord, status: ChangeStatus, message: string, change: Change): ChangeResult {
  const { record } = loaded;
  return result(loaded.target.path, {
    status,
    message,
    code: change.code ?? null,
    previousState: change.from,
    state: change.to,
    mailbox: record.mailbox,
    alias: record.alias,
    sha256Before: record.sha256,
    sha256After: change.sha256After ?? record.sha256,
    backupPath: change.backupPath ?? null,
  });
}

/** A record left alone: one that was read keeps its State and hash; one that could not be read has only its path. */
function refuse(
  subject: LoadedRecord | { path: string },
  status: 'skipped' | 'failed',
  code: RefusalCode,
  message: string,
  override?: Override,
): ChangeResult {
  const refused =
    'record' in subject
      ? outcome(subject, status, message, { from: subject.record.state, to: subject.record.state, code })
      : result(subject.path, { status, code, message });
  return override ? { ...refused, override } : refused;
}

/** A request refused before its record is read: one that names nothing kmsdb can change. */
export function refusal(path: string, code: RefusalCode, message: string): ChangeResult {
  return refuse({ path }, 'skipped', code, message);
}

/** Reads a file's bytes (a copy of its own) and status through one open file, so that the two agree. */
function readWithStat(path: string): { bytes: Buffer; stat: Stats } {
  const reader = new FileReader();
  try {
    const bytes = Buffer.from(reader.read(path));
    return { bytes, stat: reader.stat() };
  } finally {
    reader.close();
  }
}

/** Locates and reads a requested record, or says why it cannot be changed at all. */
function load(ctx: ChangeContext, request: ChangeRequest): LoadedRecord | ChangeResult {
  if (request.ambiguousWith) {
    return refuse(
      { path: request.path },
      'failed',
      'ambiguous-name',
      `Several files differ from the name only in letter case (${request.ambiguousWith.join(', ')}), and none matches it exactly; name one exactly.`,
    );
  }
  const target = resolveTarget(ctx.dbReal, request.path);
  if (isRefusal(target)) return refuse({ path: target.requested }, 'failed', target.code, target.message);
  let bytes: Buffer;
  let stat: Stats;
  try {
    ({ bytes, stat } = readWithStat(target.path));
  } catch (err) {
    if (err instanceof RecordTooLargeError)
      return refuse(
        { path: target.path },
        'failed',
        'too-large',
        `The file is larger than ${err.limit} bytes, more than any KMS record; it is never changed.`,
      );
    return refuse({ path: target.path }, 'failed', 'unreadable', `The record file cannot be read: ${describeFsError(err)}.`);
  }
  const diagnosis = diagnose(bytes);
  const record = buildRecord(target.path, target.name, bytes, stat.mtime, diagnosis);
  const loaded: LoadedRecord = { target, bytes, stat, diagnosis, record };
  if (request.sha256 && request.sha256.toLowerCase() !== record.sha256) {
    return refuse(loaded, 'failed', 'changed-since-read', 'The record has changed since it was read; read it again and retry.');
  }
  const codes = new Set(record.warnings.map((w) => w.code));
  if (codes.has('empty')) return refuse(loaded, 'failed', 'empty', 'The record file is empty.');
  if (codes.has('binary') || codes.has('odd-length'))
    return refuse(loaded, 'failed', 'binary', 'The record file holds binary content; it is never changed.');
  return loaded;
}

/**
 * Refuses a record whose file the process may not replace. The mode bits miss
 * an owner, an ACL or an immutable flag that denies this account, which a real
 * run meets at its write: what-if, which writes nothing, opens the record for
 * writing as the write does (retried while another program holds it) and
 * closes it unwritten, so that it refuses what the write would.
 */
function checkWritable(loaded: LoadedRecord, whatIf: boolean): ChangeResult | null {
  if ((loaded.stat.mode & 0o222) === 0) return refuse(loaded, 'failed', 'read-only', 'The record file is read-only; it is never changed.');
  if (!whatIf) return null;
  try {
    closeSync(retryWhileHeld(() => openChecked(loaded.target.path, { flags: constants.O_RDWR })));
    return null;
  } catch (err) {
    // A link or another file at the name: the real run's own checks refuse it, each in its words.
    if (err instanceof UnsafeWriteError) return null;
    return refuse(loaded, 'failed', 'write-failed', `The record could not be written: ${errorText(err)}. It is unchanged.`);
  }
}

/**
 * Backs up, logs and writes one record (src/safety/overwrite.ts). The file is checked
 * against the bytes that were read just before it is replaced. The audit line
 * is written before the replace: a crash between the two leaves a logged
 * change that a rerun then makes (and logs) again, never an unlogged one.
 */
function commit(
  ctx: ChangeContext,
  loaded: LoadedRecord,
  newBytes: Buffer,
  event: 'reset' | 'restore',
  previousState: number | null,
  state: number | null,
): ChangeResult | { backupPath: string; sha256After: string } {
  const backupFailed = (err: unknown) =>
    refuse(loaded, 'failed', 'backup-failed', `The backup could not be written, so the record was left alone: ${errorText(err)}.`);
  try {
    ctx.checkFolders?.();
  } catch (err) {
    return backupFailed(err);
  }
  // Once the folders are checked, and before the backup: a record whose line cannot be written gets no backup.
  try {
    ctx.prepareLog?.();
  } catch (err) {
    return refuse(
      loaded,
      'failed',
      'write-failed',
      `The audit log ${ctx.logPath} cannot be written, so the record was left alone: ${describeFsError(err)}.`,
    );
  }
  let backupPath: string;
  try {
    backupPath = writeBackup(ctx.backupDir, loaded.target.name, loaded.bytes);
  } catch (err) {
    return backupFailed(err);
  }
  const sha256After = sha256(newBytes);
  const fields = {
    id: loaded.record.id,
    path: loaded.target.path,
    previousState,
    state,
    sha256Before: loaded.record.sha256 ?? '',
    sha256After,
    backupPath,
  };
  let logged: AuditMark | null = null;
  try {
    // The name must still lead, without a link, to the very file that was read; the write's open proves it again.
    const now = lstatSync(loaded.target.path);
    const id = lstatSync(loaded.target.path, { bigint: true });
    if (
      !now.isFile() ||
      now.size !== loaded.stat.size ||
      now.mtimeMs !== loaded.stat.mtimeMs ||
      now.dev !== loaded.stat.dev ||
      now.ino !== loaded.stat.ino ||
      Number(id.ino) !== now.ino ||
      !readFileSync(loaded.target.path).equals(loaded.bytes)
    ) {
      return refuse(loaded, 'failed', 'changed-since-read', 'The record changed while it was being processed; it was left alone.');
    }
    logged = appendAudit(ctx.logPath, auditEntry({ event, ...fields }));
    writeRecordBytes(loaded.target.path, loaded.bytes, newBytes, loaded.stat, identityOf(id));
  } catch (err) {
    if (logged) logFailure(ctx, logged, auditEntry({ event: `${event}-failed`, ...fields, error: errorText(err) }));
    return {
      ...refuse(
        loaded,
        'failed',
        'write-failed',
        `The record could not be written: ${errorText(err)}. It is unchanged; its backup is ${backupPath}.`,
      ),
      backupPath,
    };
  }
  return { backupPath, sha256After };
}

/**
 * The log said a change was being made, and it was not: say so in a line of
 * its own, or, when even that cannot be written (a full disk), take the line
 * back, so that the log never shows a change that did not happen.
 */
function logFailure(ctx: ChangeContext, logged: AuditMark, failure: AuditEntry): void {
  try {
    appendAudit(ctx.logPath, failure);
  } catch {
    try {
      retractAudit(logged);
    } catch {
      // Nothing more can be done here; the record is intact and the result says it failed.
    }
  }
}

/** Applies the Q198709 fix to one requested record, under the rules in the README. */
export function resetRecord(ctx: ChangeContext, request: ChangeRequest): ChangeResult {
  const loaded = load(ctx, request);
  if (!('target' in loaded)) return loaded;
  const { diagnosis } = loaded;
  const first = diagnosis.stateEntries[0];

  if (diagnosis.stateEntries.length > 1)
    return refuse(
      loaded,
      'skipped',
      'ambiguous',
      `State occurs ${diagnosis.stateEntries.length} times; the record is ambiguous and is never changed.`,
    );
  if (diagnosis.ambiguousSection && !ctx.allowAmbiguous) {
    return refuse(
      loaded,
      'skipped',
      'ambiguous',
      diagnosis.caseBeyondAscii
        ? 'Section or key names that differ only in non-ASCII case decide where State or NumSCerts is read, and Windows may read them otherwise.'
        : 'State or NumSCerts is in more than one section and KMS may read another one than the first.',
      'allowAmbiguous',
    );
  }
  if (!first || diagnosis.state === null)
    return refuse(loaded, 'skipped', 'no-state', 'The record has no numeric State; it is never changed.');
  if (diagnosis.state === STATE_UNDEFINED) return outcome(loaded, 'unchanged', 'State is already 1 (Undefined).', { from: 1, to: 1 });
  if (diagnosis.state !== STATE_RECOVERY)
    return refuse(loaded, 'skipped', 'unexpected-state', `State is ${diagnosis.state}, not 4 (Recovery); only Recovery records are reset.`);
  if (first.value !== '4')
    return refuse(
      loaded,
      'skipped',
      'unusual-state-value',
      `The State value is written "${first.value ?? ''}", not "4"; it is never changed.`,
    );
  if (diagnosis.numSCerts !== null && !ctx.force) {
    return refuse(
      loaded,
      'skipped',
      'has-certificates',
      `State is 4 but NumSCerts is ${diagnosis.numSCerts}: the user has enrolled.`,
      'allowNumSCerts',
    );
  }

  const newBytes = replaceValue(loaded.bytes, diagnosis.decoded, first, String(STATE_UNDEFINED));
  // The edit must read back as exactly the intended record before it goes near the disk.
  const check = diagnose(newBytes);
  if (
    check.state !== STATE_UNDEFINED ||
    check.stateEntries.length !== 1 ||
    check.numSCerts !== diagnosis.numSCerts ||
    newBytes.length !== loaded.bytes.length
  ) {
    return refuse(loaded, 'failed', 'write-failed', 'The edited record did not read back as State = 1; nothing was written.');
  }
  // Before what-if answers: a refusal a real run would make is what-if's answer too.
  const writable = checkWritable(loaded, ctx.whatIf);
  if (writable) return writable;
  if (ctx.whatIf) return outcome(loaded, 'whatif', 'State would change from 4 to 1.', { from: 4, to: 1, sha256After: sha256(newBytes) });
  const done = commit(ctx, loaded, newBytes, 'reset', 4, 1);
  if ('status' in done) return done;
  return outcome(loaded, 'reset', 'State changed from 4 to 1.', { from: 4, to: 1, ...done });
}

/** What a restore puts back: the backup's bytes, and what the record must still hold unless forced. */
export interface RestoreRequest {
  path: string;
  backupPath: string;
  /** The hash the record had right after the change being undone; null skips the check. */
  expectSha256?: string | null;
  /** The hash the backup had when it was written (the log's sha256Before); null when no log names it. */
  backupSha256?: string | null;
  /** A sha256Before the input gives (piped results or log lines): checked as well, trusted for nothing. */
  claimedBackupSha256?: string | null;
  /** The hash the record had when the restore was planned: a record changed since is refused. */
  sha256?: string | null;
  /** The hash the record was planned to have after it (the backup's): a backup changed since the plan is refused. */
  plannedSha256After?: string | null;
}

/**
 * Puts a record back from a backup, with the same lock, backup, log and
 * write as a reset, and only a backup that kmsdb wrote (readVerifiedBackup).
 */
export function restoreRecord(ctx: ChangeContext, request: RestoreRequest): ChangeResult {
  const loaded = load(ctx, { path: request.path, sha256: request.sha256 ?? null });
  if (!('target' in loaded)) return loaded;
  const backup = readVerifiedBackup({
    backupPath: request.backupPath,
    recordName: loaded.target.name,
    backupDir: ctx.backupDir,
    sha256: request.backupSha256 ?? null,
    claimedSha256: request.claimedBackupSha256 ?? null,
  });
  if (!Buffer.isBuffer(backup)) return refuse(loaded, 'failed', backup.code, backup.message);
  if (request.plannedSha256After && sha256(backup) !== request.plannedSha256After)
    return refuse(loaded, 'failed', 'backup-mismatch', 'The backup has changed since the restore was planned; it was not put back.');
  const states = { from: loaded.record.state, to: diagnose(backup).state };
  const from = { restoredFrom: request.backupPath };
  if (backup.equals(loaded.bytes))
    return { ...outcome(loaded, 'unchanged', "The record already holds the backup's bytes.", states), ...from };
  if (request.expectSha256 && request.expectSha256 !== loaded.record.sha256 && !ctx.force) {
    return refuse(loaded, 'skipped', 'changed-since-reset', 'The record has changed since the logged change.', 'force');
  }
  const writable = checkWritable(loaded, ctx.whatIf);
  if (writable) return writable;
  if (ctx.whatIf)
    return {
      ...outcome(loaded, 'whatif', `The record would be restored from ${request.backupPath}.`, { ...states, sha256After: sha256(backup) }),
      ...from,
    };
  const done = commit(ctx, loaded, backup, 'restore', states.from, states.to);
  if ('status' in done) return done;
  return { ...outcome(loaded, 'restored', `Restored from ${request.backupPath}.`, { ...states, ...done }), ...from };
}

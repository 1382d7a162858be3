import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { backupBaseName, backupRecordName } from '../safety/backup.js';
import { buildRecord, diagnose, sha256, STATE_RECOVERY, STATE_UNDEFINED } from '../records/record.js';
import { describeFsError } from '../fs-errors.js';
import { RECORD_SIZE_LIMIT } from '../scan/file-reader.js';
import { InputError, readBounded } from '../input/bounded.js';
import { samePath } from './target.js';

export type BackupRefusalCode = 'no-backup' | 'backup-outside' | 'backup-mismatch' | 'backup-not-a-record';

export interface BackupRefusal {
  code: BackupRefusalCode;
  message: string;
}

/** What a restore may trust about a backup: where it must be, whose it is, and what it must hash to. */
export interface BackupClaim {
  backupPath: string;
  /** The record's file name, as it is in the database folder. */
  recordName: string;
  /** The folder kmsdb writes this database's backups to. */
  backupDir: string;
  /** The logged sha256Before of the change being undone, when a log says so. */
  sha256: string | null;
  /** A sha256Before the input gives: one more hash to match, which never stands in for the log's. */
  claimedSha256?: string | null;
}

/**
 * Reads a backup only if kmsdb could have written it: a regular file directly
 * inside the backup folder (symlinks resolved), named as a backup of this very
 * record, no larger than a record may be, and hashing to the logged
 * sha256Before. Without a logged hash it must at least hold what a reset or a
 * restore backs up: a readable profile with one State, 1 or 4. A hash the
 * input claims is checked too, but never vouches for a backup the way the
 * log's does.
 */
export function readVerifiedBackup(claim: BackupClaim): Buffer | BackupRefusal {
  const { backupPath, recordName } = claim;
  let real: string;
  let folder: string;
  try {
    real = realpathSync(backupPath);
  } catch (err) {
    return { code: 'no-backup', message: `The backup ${backupPath} cannot be read: ${describeFsError(err)}.` };
  }
  try {
    folder = realpathSync(claim.backupDir);
  } catch {
    folder = claim.backupDir;
  }
  if (!samePath(dirname(real), folder)) {
    const via = real === backupPath ? '' : ` (it leads to ${real})`;
    return {
      code: 'backup-outside',
      message: `The backup ${backupPath}${via} is not in the backup folder ${folder}; only kmsdb's own backups are restored.`,
    };
  }
  const named = backupRecordName(backupPath);
  if (named === null || !samePath(named, backupBaseName(recordName))) {
    return { code: 'backup-mismatch', message: `${basename(backupPath)} is not a kmsdb backup of ${recordName}.` };
  }
  let bytes: Buffer;
  try {
    ({ bytes } = readBounded(real, RECORD_SIZE_LIMIT));
  } catch (err) {
    if (err instanceof InputError && err.reason === 'size')
      return { code: 'backup-not-a-record', message: `The backup ${backupPath} is larger than any record (${RECORD_SIZE_LIMIT} bytes).` };
    if (err instanceof InputError)
      return { code: 'backup-not-a-record', message: `The backup ${backupPath} ${err.message}; only kmsdb's own backups are restored.` };
    return { code: 'no-backup', message: `The backup ${backupPath} cannot be read: ${describeFsError(err)}.` };
  }
  if (claim.sha256 !== null) {
    if (sha256(bytes) !== claim.sha256) {
      return {
        code: 'backup-mismatch',
        message: `The backup ${backupPath} does not hash to the logged sha256Before: it was changed after kmsdb wrote it.`,
      };
    }
  } else {
    const d = diagnose(bytes);
    const warnings = new Set(buildRecord(real, recordName, bytes, null, d).warnings.map((w) => w.code));
    const why =
      bytes.length === 0
        ? 'it is empty'
        : warnings.has('binary') || warnings.has('odd-length')
          ? 'it holds binary content'
          : d.stateEntries.length !== 1 || (d.state !== STATE_RECOVERY && d.state !== STATE_UNDEFINED)
            ? 'it does not hold one State of 1 or 4, as every record kmsdb changes does'
            : null;
    if (why)
      return { code: 'backup-not-a-record', message: `The backup ${backupPath} is not a record kmsdb could have backed up: ${why}.` };
  }
  if (claim.claimedSha256 && sha256(bytes) !== claim.claimedSha256) {
    return { code: 'backup-mismatch', message: `The backup ${backupPath} does not hash to the sha256Before the input gives.` };
  }
  return bytes;
}

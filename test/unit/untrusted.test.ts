import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchIds } from '../../src/cli/change.js';
import { nestsDeeperThan } from '../../src/contract/index.js';
import { readVerifiedBackup } from '../../src/change/backup-check.js';
import { sha256 } from '../../src/records/record.js';
import { FileReader, RecordTooLargeError } from '../../src/scan/file-reader.js';
import { appendAudit, auditEntry, AuditLogError, LogPathError, readAuditLog, retractAudit } from '../../src/safety/audit.js';
import { tempDir } from '../helpers/db.js';

const entry = (id: string) =>
  auditEntry({
    event: 'reset',
    id,
    path: `/db/${id}.ini`,
    previousState: 4,
    state: 1,
    sha256Before: 'a'.repeat(64),
    sha256After: 'b'.repeat(64),
    backupPath: `/bk/${id}.ini.20260101T000000000Z.bak`,
  });

describe('the audit log', () => {
  it('reads back what it wrote, and names the first line that is not an entry', () => {
    const log = join(tempDir(), 'audit.log');
    appendAudit(log, entry('Ma'));
    appendAudit(log, entry('Mb'));
    expect(readAuditLog(log).map((e) => e.id)).toEqual(['Ma', 'Mb']);
    appendFileSync(log, '\n{"event":"reset"}\n');
    expect(() => readAuditLog(log)).toThrow(AuditLogError);
    expect(() => readAuditLog(log)).toThrow(/^line 4 of .* is not an audit entry: it lacks the required property/);
  });

  it('takes back its last line only while it is still the last', () => {
    const log = join(tempDir(), 'audit.log');
    appendAudit(log, entry('Ma'));
    const first = readFileSync(log, 'utf8');
    const mark = appendAudit(log, entry('Mb'));
    expect(retractAudit(mark)).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe(first);
    const again = appendAudit(log, entry('Mb'));
    appendAudit(log, entry('Mc'));
    const three = readFileSync(log, 'utf8');
    expect(retractAudit(again)).toBe(false);
    expect(readFileSync(log, 'utf8')).toBe(three);
  });

  it('is never written through a symbolic link, nor into a folder', () => {
    const dir = tempDir();
    const target = join(dir, 'target');
    writeFileSync(target, 'keep\n');
    symlinkSync(target, join(dir, 'link.log'));
    expect(() => appendAudit(join(dir, 'link.log'), entry('Ma'))).toThrow(LogPathError);
    mkdirSync(join(dir, 'folder.log'));
    expect(() => appendAudit(join(dir, 'folder.log'), entry('Ma'))).toThrow(LogPathError);
    expect(readFileSync(target, 'utf8')).toBe('keep\n');
  });
});

describe('verified backups', () => {
  const setup = (content: string | Buffer) => {
    const backupDir = tempDir();
    const backupPath = join(backupDir, 'Ma.ini.20260101T000000000Z.bak');
    writeFileSync(backupPath, content);
    return { backupDir, backupPath };
  };

  it('accepts a backup in its folder that hashes as logged, or looks like a record without a log', () => {
    const text = '[Client]\r\nState = 4\r\n';
    const { backupDir, backupPath } = setup(text);
    const claim = { backupPath, backupDir, recordName: 'Ma.ini' };
    expect(readVerifiedBackup({ ...claim, sha256: sha256(Buffer.from(text)) })).toEqual(Buffer.from(text));
    expect(readVerifiedBackup({ ...claim, sha256: null })).toEqual(Buffer.from(text));
  });

  it.each([
    ['a hash that differs', 'State = 4\r\n', { sha256: 'c'.repeat(64) }, 'backup-mismatch'],
    ["another record's name", 'State = 4\r\n', { recordName: 'Mb.ini' }, 'backup-mismatch'],
    ['another folder', 'State = 4\r\n', { backupDir: '/nonexistent-kmsdb-backups' }, 'backup-outside'],
    ['State = 7 without a log', 'State = 7\r\n', {}, 'backup-not-a-record'],
    ['two States without a log', 'State = 4\r\nState = 1\r\n', {}, 'backup-not-a-record'],
    ['binary without a log', Buffer.from([0, 1, 2, 3]), {}, 'backup-not-a-record'],
  ])('refuses %s', (_name, content, override, code) => {
    const { backupDir, backupPath } = setup(content);
    const result = readVerifiedBackup({ backupPath, backupDir, recordName: 'Ma.ini', sha256: null, ...override });
    expect(result).toMatchObject({ code });
  });
});

describe('bounds on what is read', () => {
  it('FileReader reads up to its limit and throws one byte past it, without reading on', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'at'), Buffer.alloc(100, 0x41));
    writeFileSync(join(dir, 'over'), Buffer.alloc(101, 0x41));
    const reader = new FileReader(100);
    expect(reader.read(join(dir, 'at')).length).toBe(100);
    expect(() => reader.read(join(dir, 'over'))).toThrow(RecordTooLargeError);
    reader.close();
    const zero = new FileReader(1000);
    expect(() => zero.read('/dev/zero')).toThrow(RecordTooLargeError);
    zero.close();
  });

  it('measures nesting without recursion, at any depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep)).toBe(true);
    expect(nestsDeeperThan({ records: [{ path: 'x', warnings: [{ code: 'c' }] }] })).toBe(false);
    expect(nestsDeeperThan(null)).toBe(false);
  });
});

describe('ids that differ only in case', () => {
  const names = ['MCASE', 'Mcase', 'MONLY'];
  it.each([
    ['MCASE', ['MCASE'], true],
    ['Mcase', ['Mcase'], true],
    ['mcase', ['MCASE', 'Mcase'], false],
    ['monly', ['MONLY'], false],
    ['none', [], false],
  ])('%s matches %j (exact: %s)', (id, matches, exact) => {
    expect(matchIds([id], names, (n) => n).get(id)).toEqual({ matches, exact });
  });
});

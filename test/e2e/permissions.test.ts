// Copies of key material are no more readable than the records: the backup
// folder and the audit log that kmsdb makes are its owner's alone, and an
// existing backup folder that others can open is named in a warning.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDirOf, logOf, runChange, STUCK } from '../helpers/change.js';
import { makeDb } from '../helpers/db.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('what kmsdb makes to hold copies of records is private', () => {
  it('a new backup folder is 0700, the log 0600 and each backup 0600, whatever the umask lets through', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(mode(backupDirOf(dir))).toBe('700');
    expect(mode(logOf(dir))).toBe('600');
    expect(mode(r.results[0]?.backupPath as string)).toBe('600');
  });

  it('a log in a folder of its own that kmsdb makes: the folder 0700, the log 0600', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const logDir = join(dir, '..', '..', 'logs', 'kmsdb');
    const r = await runChange(['reset', '--path', dir, '--id', 'Ma', '--log', join(logDir, 'audit.log')]);
    expect(r.code).toBe(0);
    expect(mode(logDir)).toBe('700');
    expect(mode(join(logDir, 'audit.log'))).toBe('600');
  });

  it('an existing backup folder that others can open gets one line of warning, and the run goes on', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    mkdirSync(backupDirOf(dir), { mode: 0o755 });
    const r = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    expect(r.code).toBe(0);
    expect(r.results[0]?.status).toBe('reset');
    expect(r.stderr).toBe(
      `kmsdb: warning: the backup folder ${backupDirOf(dir)} can be opened by other users (mode 755), ` +
        'and backups hold key material; make it 700.\n',
    );
    // kmsdb never changes the access of a folder it did not make.
    expect(mode(backupDirOf(dir))).toBe('755');
  });
});

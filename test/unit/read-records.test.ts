import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFilter, readCandidate } from '../../src/scan/read-records.js';
import { FileReader } from '../../src/scan/file-reader.js';
import { expectValid } from '../helpers/contract.js';
import { tempDir } from '../helpers/db.js';

/** A reader that cannot read, as when access is denied (which root, running the tests, never is). */
class DeniedReader extends FileReader {
  override read(): Buffer {
    throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  }
}

describe('readCandidate', () => {
  it('makes a file it cannot read a record with a warning', () => {
    const record = readCandidate(new DeniedReader(), '/db/Mlocked.ini', 'Mlocked.ini', compileFilter({}));
    expect(record).toMatchObject({
      id: 'Mlocked',
      state: null,
      sha256: null,
      warnings: [{ code: 'unreadable', message: 'The file cannot be read: access is denied.' }],
    });
    expectValid('record', record);
  });

  it('leaves such a file out when a filter asks for what it cannot show', () => {
    expect(readCandidate(new DeniedReader(), '/db/Mlocked.ini', 'Mlocked.ini', compileFilter({ affected: true }))).toBeNull();
    expect(readCandidate(new DeniedReader(), '/db/Mlocked.ini', 'Mlocked.ini', compileFilter({ mailbox: ['*'] }))).toBeNull();
  });

  it('treats a file that vanished since the listing as no record', () => {
    expect(readCandidate(new FileReader(), join(tempDir(), 'Mgone.ini'), 'Mgone.ini', compileFilter({}))).toBeNull();
  });

  it('reads a record and applies the filter', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Ma.ini'), '[Client]\r\nState = 4\r\nAlias = jdoe\r\n');
    const reader = new FileReader();
    expect(readCandidate(reader, join(dir, 'Ma.ini'), 'Ma.ini', compileFilter({ affected: true }))).toMatchObject({
      id: 'Ma',
      affected: true,
    });
    expect(readCandidate(reader, join(dir, 'Ma.ini'), 'Ma.ini', compileFilter({ mailbox: ['someone'] }))).toBeNull();
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compileFilter, readCandidate, selectRecords } from '../../src/scan/read-records.js';
import { FileReader } from '../../src/scan/file-reader.js';
import { expectValid } from '../helpers/contract.js';
import { tempDir } from '../helpers/db.js';
import * as recordModule from '../../src/records/record.js';

// Passed through, and counted: how often a record's names are read.
vi.mock('../../src/records/record.js', async (importOriginal) => {
  const actual = await importOriginal<typeof recordModule>();
  return { ...actual, identityValues: vi.fn(actual.identityValues) };
});

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

describe('selectRecords: the patterns that matched nothing', () => {
  const record = (mailbox: string, alias: string) => `[Client]\r\nState = 4\r\nMailbox = ${mailbox}\r\nAlias = ${alias}\r\n`;

  it('are told from the one reading that selected the records: each file is read once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Ma.ini'), record('/o=Contoso/cn=jdoe', 'jdoe'));
    writeFileSync(join(dir, 'Mb.ini'), record('/o=Contoso/cn=asmith', 'asmith'));
    writeFileSync(join(dir, 'Mc.ini'), record('/o=Contoso/cn=bwayne', 'bw'));
    // Named like a record and matched by its name alone, but no file: it selects nothing, so matches nothing.
    mkdirSync(join(dir, 'Mjdoo.ini'));
    const read = vi.spyOn(FileReader.prototype, 'read');
    try {
      // One record matches three patterns (a DN's leaf, a wildcard, the alias); one pattern matches two records.
      const selection = selectRecords({ path: dir, mailbox: ['JDOE', 'j*', 'a*', 'jdoo', 'nobody?', '*smith'] });
      expect([...selection.records()].map((r) => r.id)).toEqual(['Ma', 'Mb']);
      expect(selection.unmatched()).toEqual(['jdoo', 'nobody?']);
      expect(read.mock.calls.map(([path]) => path).sort()).toEqual(['Ma.ini', 'Mb.ini', 'Mc.ini', 'Mjdoo.ini'].map((n) => join(dir, n)));
    } finally {
      read.mockRestore();
    }
  });

  it('are none for a query without patterns, and every pattern before any record is read', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Ma.ini'), record('/o=Contoso/cn=jdoe', 'jdoe'));
    expect(selectRecords({ path: dir }).unmatched()).toEqual([]);
    const selection = selectRecords({ path: dir, mailbox: ['jdoe', 'x'] });
    expect(selection.unmatched()).toEqual(['jdoe', 'x']);
    expect([...selection.records()]).toHaveLength(1);
    expect(selection.unmatched()).toEqual(['x']);
  });

  it("cost one reading of a record's names, whatever the number of patterns", () => {
    // 500 names of nobody (a pasted list with typos): noting them must not read each record 500 times.
    const dir = tempDir();
    writeFileSync(join(dir, 'Ma.ini'), record('/o=Contoso/cn=jdoe', 'jdoe'));
    writeFileSync(join(dir, 'Mb.ini'), record('/o=Contoso/cn=asmith', 'asmith'));
    const names = Array.from({ length: 500 }, (_, i) => `nobody${i}`);
    const reads = vi.mocked(recordModule.identityValues);
    reads.mockClear();
    const selection = selectRecords({ path: dir, mailbox: [...names, 'asmith'] });
    expect([...selection.records()].map((r) => r.id)).toEqual(['Mb']);
    expect(selection.unmatched()).toEqual(names);
    // Once per file, to match and note its names (record.js's own use, for the kept record's mailbox, is not counted here).
    expect(reads.mock.calls.length).toBe(2);
  });
});

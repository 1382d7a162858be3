import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatabaseAccessError, recordFiles } from '../../src/scan/listing.js';
import { shareNames, sharedNameReader } from '../../src/scan/shared-names.js';
import { tempDir } from '../helpers/db.js';

/** A folder holding empty files of these names. */
function folderOf(names: readonly string[]): string {
  const dir = join(tempDir(), 'Clients');
  mkdirSync(dir);
  for (const name of names) writeFileSync(join(dir, name), '');
  return dir;
}

describe('recordFiles', () => {
  it('lists every *.ini name in the folder, any case, in string order', () => {
    const dir = folderOf(['Mb.ini', 'Ma.INI', 'MA.ini', 'M_1.ini', 'M-1.ini', 'M.ini.bak', 'Mnot.txt', 'x.Ini', '.ini', 'x.Ini.ini']);
    mkdirSync(join(dir, 'Msub.ini'));
    expect(recordFiles(dir)).toEqual({
      dir,
      names: ['.ini', 'M-1.ini', 'MA.ini', 'M_1.ini', 'Ma.INI', 'Mb.ini', 'Msub.ini', 'x.Ini', 'x.Ini.ini'],
    });
  });

  it('lists one record file as its folder and its name', () => {
    const dir = folderOf(['Mone.ini', 'Mtwo.ini']);
    expect(recordFiles(join(dir, 'Mone.ini'))).toEqual({ dir, names: ['Mone.ini'] });
  });

  it('refuses a path that does not exist with a DatabaseAccessError that names it', () => {
    const missing = join(tempDir(), 'nowhere');
    expect(() => recordFiles(missing)).toThrow(DatabaseAccessError);
    expect(() => recordFiles(missing)).toThrow(`The database path ${missing} cannot be read: it does not exist.`);
  });
});

describe('names in shared memory', () => {
  it('reads back every name as it was shared, outside ASCII too (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 40 }), (names) => {
        const read = sharedNameReader(shareNames(names));
        expect(names.map((_, i) => read(i))).toEqual(names);
      }),
    );
  });
});

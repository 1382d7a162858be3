import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatabaseAccessError, isRecordName, recordFiles } from '../../src/scan/listing.js';
import { shareNames, sharedNameReader } from '../../src/scan/shared-names.js';
import { tempDir } from '../helpers/db.js';

/** A folder holding empty files of these names. */
function folderOf(names: readonly string[]): string {
  const dir = join(tempDir(), 'Clients');
  mkdirSync(dir);
  for (const name of names) writeFileSync(join(dir, name), '');
  return dir;
}

describe('isRecordName', () => {
  const regex = (name: string) => /\.ini$/i.test(name);

  it('is true exactly where /\\.ini$/i matches, for any one character of the BMP in place of any of .ini or .INI', () => {
    const wrong: string[] = [];
    for (const base of ['x.ini', 'x.INI'])
      for (let at = 1; at < base.length; at++)
        for (let code = 0; code < 0x10000; code++) {
          const name = base.slice(0, at) + String.fromCharCode(code) + base.slice(at + 1);
          if (isRecordName(name) !== regex(name)) wrong.push(JSON.stringify(name));
        }
    expect(wrong).toEqual([]);
  });

  it('is true exactly where /\\.ini$/i matches, for any name', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (name) => isRecordName(name) === regex(name)));
    expect(['a.ini', 'A.INI', '.ini', 'x.iNi'].every(isRecordName)).toBe(true);
    expect(['a.ini\n', 'aini', 'a.in', 'a.\u0131ni', 'a.in\u0130', 'a.inI ', 'a\u000eini', 'a.ini.bak', 'ini', ''].some(isRecordName)).toBe(
      false,
    );
  });
});

describe('recordFiles', () => {
  it('runs its hook once, when the listing has found that many record names, and lists the rest', () => {
    const dir = folderOf(['Ma.ini', 'Mb.ini', 'note.txt', 'Mc.INI', 'Md.ini']);
    const seen: number[] = [];
    const files = recordFiles(dir, { count: 2, then: () => seen.push(seen.length) });
    expect(seen).toEqual([0]);
    expect(files.names).toEqual(['Ma.ini', 'Mb.ini', 'Mc.INI', 'Md.ini']);
    let never = 0;
    recordFiles(dir, { count: 5, then: () => never++ });
    expect(never).toBe(0);
  });

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

  it('reads back every name of a folder whose names are all ASCII, which are shared in one piece (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii' }), { maxLength: 40 }), (names) => {
        const read = sharedNameReader(shareNames(names));
        expect(names.map((_, i) => read(i))).toEqual(names);
      }),
    );
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExitError, EXIT } from '../../src/cli/errors.js';
import { ItemWriter, TextSink } from '../../src/cli/output.js';
import { recordFiles } from '../../src/records/scan.js';
import { listSharedFiles, sharedNameReader, type SharedFiles } from '../../src/records/shared-names.js';
import { Utf8Builder } from '../../src/utf8-builder.js';
import { tempDir } from '../helpers/db.js';

const namesOf = (files: SharedFiles) => Array.from({ length: files.names.count }, (_, i) => sharedNameReader(files.names)(i));

/** A folder holding empty files of these names. */
function folderOf(names: readonly string[]): string {
  const dir = join(tempDir(), 'Clients');
  mkdirSync(dir);
  for (const name of names) writeFileSync(join(dir, name), '');
  return dir;
}

describe('listing a folder into shared memory', () => {
  it('lists what recordFiles lists, in the same order', () => {
    const dir = folderOf(['Mb.ini', 'Ma.INI', 'MA.ini', 'M_1.ini', 'M-1.ini', 'M.ini.bak', 'Mnot.txt', 'x.Ini', '.ini', 'x.Ini.ini']);
    mkdirSync(join(dir, 'Msub.ini'));
    const shared = listSharedFiles(dir);
    expect(shared.dir).toBe(recordFiles(dir).dir);
    expect(namesOf(shared)).toEqual(recordFiles(dir).names);
    expect(namesOf(shared)).toEqual(['.ini', 'M-1.ini', 'MA.ini', 'M_1.ini', 'Ma.INI', 'Mb.ini', 'Msub.ini', 'x.Ini', 'x.Ini.ini']);
  });

  it('puts a name before the longer names it begins', () => {
    // Fifty pairs: whatever order the folder gives them in, some would come out wrong without the rule.
    const names = Array.from({ length: 50 }, (_, i) => [`M${i}.ini.ini`, `M${i}.ini`]).flat();
    const dir = folderOf(names);
    expect(namesOf(listSharedFiles(dir))).toEqual([...names].sort());
  });

  it('keeps string order for names outside ASCII, where UTF-8 byte order differs', () => {
    // U+FF21 sorts after U+1F600 in UTF-8 bytes, but before it in UTF-16 code units.
    const dir = folderOf(['M\u{1f600}.ini', 'M\uff21.ini', 'Mé.ini', 'Mz.ini']);
    expect(namesOf(listSharedFiles(dir))).toEqual(recordFiles(dir).names);
    expect(namesOf(listSharedFiles(dir))).toEqual(['Mz.ini', 'Mé.ini', 'M\u{1f600}.ini', 'M\uff21.ini']);
  });

  it('lists any set of ASCII names as recordFiles does (property)', () => {
    // A small alphabet makes names that are prefixes of others (Ma.ini, Ma.ini.ini) common.
    const name = fc.oneof(fc.stringMatching(/^[A-Za-z0-9 _.~!-]{1,12}$/), fc.stringMatching(/^[aA.in]{0,8}$/)).map((stem) => `${stem}.ini`);
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 0, maxLength: 40, comparator: (a, b) => a === b }), (names) => {
        const dir = folderOf(names);
        expect(namesOf(listSharedFiles(dir))).toEqual(recordFiles(dir).names);
      }),
      { numRuns: 60 },
    );
  });

  it('grows past its first buffers', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `M${String(i).padStart(5, '0')}${'x'.repeat(40)}.ini`);
    const dir = folderOf(names);
    const shared = listSharedFiles(dir);
    expect(shared.names.count).toBe(names.length);
    expect(namesOf(shared)).toEqual(names);
  });

  it('lists one record file, as recordFiles does', () => {
    const dir = folderOf(['Mone.ini']);
    const shared = listSharedFiles(join(dir, 'Mone.ini'));
    expect({ dir: shared.dir, names: namesOf(shared) }).toEqual(recordFiles(join(dir, 'Mone.ini')));
  });

  it('fails as recordFiles fails on a path that does not exist', () => {
    const missing = join(tempDir(), 'nowhere');
    const failure = (list: () => unknown) => {
      try {
        list();
      } catch (err) {
        return err;
      }
      return null;
    };
    const err = failure(() => listSharedFiles(missing));
    expect(err).toBeInstanceOf(ExitError);
    expect(err).toMatchObject({ code: EXIT.DATABASE });
    expect((err as Error).message).toBe((failure(() => recordFiles(missing)) as Error).message);
  });
});

describe('Utf8Builder', () => {
  it('encodes what is appended as UTF-8, in order', () => {
    const b = new Utf8Builder(8);
    const parts = ['abc', 'é', '\u{1f600}', '€uro', '', 'x'.repeat(100)];
    for (const p of parts) b.append(p);
    b.appendBytes(Buffer.from('!', 'utf8'));
    expect(b.length).toBe(Buffer.byteLength(parts.join('') + '!'));
    expect(b.take()?.toString('utf8')).toBe(parts.join('') + '!');
  });

  it('gives bytes over a buffer of their own, and starts over', () => {
    const b = new Utf8Builder(1024);
    expect(b.take()).toBeNull();
    b.append('one');
    const first = b.take() as Buffer;
    b.append('two');
    const second = b.take() as Buffer;
    expect(first.toString()).toBe('one');
    expect(second.toString()).toBe('two');
    expect(first.buffer).not.toBe(second.buffer);
    // Not a slice of Node's shared pool: transferring it moves nothing else.
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(1024);
    expect(b.take()).toBeNull();
  });

  it('holds any text exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (parts, capacity) => {
        const b = new Utf8Builder(capacity);
        for (const p of parts) b.append(p);
        expect((b.take() ?? Buffer.alloc(0)).toString('utf8')).toBe(parts.join(''));
      }),
    );
  });
});

/** A stream that records what is written to it, and says it is full every `fullEvery` writes. */
function recordingStream(fullEvery = 0) {
  const chunks: Buffer[] = [];
  const listeners = new Map<string, Array<() => void>>();
  let writes = 0;
  const stream = {
    // As a Writable does, the callback says the chunk was taken.
    write(chunk: Uint8Array | string, done?: (err?: Error | null) => void) {
      chunks.push(Buffer.from(chunk));
      if (done) setImmediate(done);
      const full = fullEvery > 0 && ++writes % fullEvery === 0;
      if (full) setImmediate(() => listeners.get('drain')?.splice(0).forEach((f) => f()));
      return !full;
    },
    on() {
      return stream;
    },
    once(event: string, f: () => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), f]);
      return stream;
    },
    off(event: string, f: () => void) {
      listeners.set(event, (listeners.get(event) ?? []).filter((g) => g !== f));
      return stream;
    },
  };
  return { stream: stream as unknown as NodeJS.WritableStream, text: () => Buffer.concat(chunks).toString('utf8'), chunks };
}

describe('TextSink and ItemWriter', () => {
  it('write text and encoded bytes in the order given, through a stream that fills up', async () => {
    const { stream, text, chunks } = recordingStream(2);
    const sink = new TextSink(stream);
    const out = new ItemWriter(sink, 'json', 'records');
    const big = 'é'.repeat(40_000);
    await out.begin();
    await out.item({ n: 1 });
    await out.encoded(Buffer.from('{"n":2},\n{"n":3}'), 2);
    await out.item({ big });
    await out.encoded(Buffer.from(`{"n":4,"s":"${'x'.repeat(70_000)}"}`), 1);
    await out.item({ n: 5 });
    await out.end();
    const doc = JSON.parse(text());
    expect(doc.records.map((r: { n?: number }) => r.n ?? 'big')).toEqual([1, 2, 3, 'big', 4, 5]);
    expect(doc.records[3].big).toBe(big);
    expect(chunks.length).toBeGreaterThan(2);
  });

  it('ends NDJSON chunks as given and gathers small writes', async () => {
    const { stream, text, chunks } = recordingStream();
    const out = new ItemWriter(new TextSink(stream), 'ndjson', 'records');
    await out.begin();
    for (let n = 0; n < 100; n++) await out.item({ n });
    await out.encoded(Buffer.from('{"n":100}\n'), 1);
    await out.end();
    expect(text().split('\n').filter(Boolean).map((l) => JSON.parse(l).n)).toEqual(Array.from({ length: 101 }, (_, n) => n));
    expect(chunks).toHaveLength(1);
  });
});

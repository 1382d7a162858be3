import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemWriter, TextSink } from '../../src/cli/output.js';
import { DatabaseAccessError, recordFiles } from '../../src/scan/listing.js';
import { shareNames, sharedNameReader } from '../../src/scan/shared-names.js';
import { Utf8Builder } from '../../src/scan/utf8-builder.js';
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
    expect(recordFiles(dir)).toEqual({ dir, names: ['.ini', 'M-1.ini', 'MA.ini', 'M_1.ini', 'Ma.INI', 'Mb.ini', 'Msub.ini', 'x.Ini', 'x.Ini.ini'] });
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
    write(chunk: Uint8Array | string) {
      chunks.push(Buffer.from(chunk));
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

import { describe, expect, it } from 'vitest';
import { ItemWriter, TextSink } from '../../src/cli/output.js';

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
      if (full)
        setImmediate(() =>
          listeners
            .get('drain')
            ?.splice(0)
            .forEach((f) => f()),
        );
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
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter((g) => g !== f),
      );
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
    expect(
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).n),
    ).toEqual(Array.from({ length: 101 }, (_, n) => n));
    // One chunk of text; end() then writes nothing, only to hear that every write has finished.
    expect(chunks.map((c) => c.length > 0)).toEqual([true, false]);
  });
});

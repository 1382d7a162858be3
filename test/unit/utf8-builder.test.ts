import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Builder } from '../../src/scan/utf8-builder.js';

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

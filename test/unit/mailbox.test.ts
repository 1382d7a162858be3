import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMailboxPattern } from '../../src/records/mailbox.js';

/** The regular expression the patterns meant before: fine for short inputs, exponential on hostile ones. */
function reference(pattern: string): RegExp {
  const body = Array.from(pattern, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'isu');
}

describe('mailbox wildcards without backtracking', () => {
  it('agree with the regular expression on short texts and patterns (property)', () => {
    const char = fc.constantFrom(...'aAbB?*σΣςéÉßx-.ksKS'.split(''));
    const text = fc.array(fc.constantFrom(...'aAbBσΣςéÉßx-.kK\u212Aſs'.split('')), { maxLength: 12 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 8 }).map((cs) => cs.join('')),
        text,
        (pattern, value) => {
          expect(compileMailboxPattern(pattern).test(value)).toBe(reference(pattern).test(value));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['********a', 'b'.repeat(50_000), false],
    ['********a', `${'b'.repeat(50_000)}a`, true],
    [`${'*'.repeat(58)}a`, 'a'.repeat(50_000), true],
    [`${'*a'.repeat(40)}*b`, 'a'.repeat(50_000), false],
    [`${'?*'.repeat(40)}z`, 'y'.repeat(50_000), false],
    ['**', '', true],
    ['*', 'anything at all', true],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*ab*ab*', 'abab', true],
    ['*ab*ab*', 'aba', false],
  ])('%j on a %#-th text gives %s', (pattern, text, expected) => {
    const started = process.hrtime.bigint();
    expect(compileMailboxPattern(pattern).test(text)).toBe(expected);
    // Far above what linear work takes, far below what backtracking takes; a guard, not a benchmark.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });

  it('folds case in any script, one code point at a time', () => {
    expect(compileMailboxPattern('ΣΟΦΙΑ').test('σοφια')).toBe(true);
    expect(compileMailboxPattern('σοφιας').test('ΣΟΦΙΑΣ')).toBe(true);
    expect(compileMailboxPattern('STRASSE').test('straße')).toBe(false);
    expect(compileMailboxPattern('?').test('😀')).toBe(true);
    expect(compileMailboxPattern('??').test('😀')).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/profile/encoding.js';
import { findAll, parseProfile, readProfileInt, type ProfileText } from '../../src/profile/parse.js';

/** A record's text inside a section, where the profile API finds keys. */
const inSection = (text: string) => `[Client]\n${text}`;
const first = (text: string, key: string) => findAll(parseProfile(inSection(text)), key)[0]?.value;

describe('profile reader: names', () => {
  it('matches key names case-insensitively', () => {
    expect(first('sTaTe = 4\n', 'State')).toBe('4');
  });

  it('looks keys up in any section, but not where the API never reads them', () => {
    const p = parseProfile(
      'State = 4\n[Other]\nNumSCerts = 2\n[CLIENT]\nAlias = x\n[]\nState = 5\n[other]\nState = 6\n[ Last ]\nState = 7\n',
    );
    // Before any header, in a section without a name, or in a second section of one name: never returned by the API.
    expect(findAll(p, 'state').map((e) => [e.section, e.value])).toEqual([['Last', '7']]);
    expect(findAll(p, 'numscerts')[0]?.section).toBe('Other');
    expect(findAll(p, 'ALIAS')[0]?.section).toBe('CLIENT');
    expect(p.sections).toEqual(['Other', 'CLIENT', 'other', 'Last']);
  });

  it('ends key and section names at a NUL, as the API does', () => {
    const p = parseProfile('[\tClient\0junk]\nState\0junk = 4\n');
    expect(p.sections).toEqual(['Client']);
    expect(findAll(p, 'State')[0]?.value).toBe('4');
  });

  it('finds a key by name as its text reads, in ANSI files with bytes that Windows-1252 maps and NULs too (property)', () => {
    const piece = fc.constantFrom(
      'S',
      't',
      'A',
      'T',
      'e',
      'E',
      'N',
      'u',
      'm',
      'c',
      'R',
      's',
      ' ',
      '\t',
      '\0',
      '\x8a',
      '\x9f',
      '\xe9',
      '=',
      ']',
    );
    const line = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const text = decode(Buffer.from(`[Client]\n${lines.join('\n')}`, 'latin1')).text;
        for (const e of parseProfile(text).entries) {
          expect(e.keyLength).toBe(e.key.length);
          expect(e.key).not.toContain('\0');
          for (const name of ['state', 'numscerts']) expect(e.keyIs(name)).toBe(e.key.toLowerCase() === name);
        }
      }),
    );
  });

  it('reads the first of duplicate keys, across sections too', () => {
    const p = parseProfile('[A]\nState = 4\n[B]\nSTATE = 1\nstate=2\n');
    expect(findAll(p, 'State').map((e) => e.value)).toEqual(['4', '1', '2']);
  });
});

describe('profile reader: whitespace and quotes', () => {
  it('trims spaces, tabs, vertical tabs, form feeds and ^Z around keys and values', () => {
    const text = inSection(' \t\x0b\x0c\x1aState\x0b \t=\t \x0b\x1a4 \t\x0b\x0c\n');
    const e = findAll(parseProfile(text), 'State')[0]!;
    expect(e.key).toBe('State');
    expect(e.value).toBe('4');
    expect(text.slice(e.valueStart, e.valueEnd)).toBe('4');
  });

  it('keeps inner whitespace of a value', () => {
    expect(first('DisplayName =  John   Doe  \n', 'DisplayName')).toBe('John   Doe');
  });

  it('strips one matching pair of outer double or single quotes', () => {
    expect(first('A = "4"\n', 'A')).toBe('4');
    expect(first("A = '4'\n", 'A')).toBe('4');
    expect(first('A = ""4""\n', 'A')).toBe('"4"');
  });

  it('leaves unmatched or lone quotes alone', () => {
    expect(first('A = "4\'\n', 'A')).toBe('"4\'');
    expect(first('A = "4\n', 'A')).toBe('"4');
    expect(first('A = "\n', 'A')).toBe('"');
  });

  it('records the value position inside the quotes', () => {
    const text = inSection('State = " 4 "\n');
    const e = findAll(parseProfile(text), 'State')[0]!;
    expect(e.value).toBe(' 4 ');
    expect(text.slice(e.valueStart, e.valueEnd)).toBe(' 4 ');
  });

  it('gives an empty value for "Key =" and no value for a line without "="', () => {
    const p = parseProfile(inSection('NumSCerts =\nState\n'));
    expect(findAll(p, 'NumSCerts')[0]?.value).toBe('');
    expect(findAll(p, 'State')[0]?.value).toBeNull();
  });

  it('splits at the first "=" only', () => {
    expect(first('DN = a=b=c\n', 'DN')).toBe('a=b=c');
  });
});

describe('profile reader: comments', () => {
  it('treats ";" as a comment only as the first non-blank character', () => {
    const p = parseProfile(inSection('; State = 4\n  ;State = 3\nState = 1 ; not a comment\n'));
    expect(findAll(p, 'State').map((e) => e.value)).toEqual(['1 ; not a comment']);
  });

  it('never treats "#" as a comment', () => {
    const p = parseProfile(inSection('#State = 4\nState = 1 # two\n'));
    expect(findAll(p, '#State')[0]?.value).toBe('4');
    expect(findAll(p, 'State')[0]?.value).toBe('1 # two');
  });
});

describe('profile reader: lines', () => {
  it.each([
    ['CRLF', 'A = 1\r\nState = 4\r\n', true],
    ['LF', 'A = 1\nState = 4\n', true],
    ['CR', 'A = 1\rState = 4\r', true],
  ] as const)('reads %s line endings', (ending, text, finalNewline) => {
    const p = parseProfile(`[Client]${text.includes('\r\n') ? '\r\n' : text.includes('\r') ? '\r' : '\n'}${text}`);
    expect(findAll(p, 'State')[0]?.value).toBe('4');
    expect(p.lineEnding).toBe(ending);
    expect(p.finalNewline).toBe(finalNewline);
  });

  it('reads a file with no line end, which can hold no section and so no key the API reads', () => {
    const p = parseProfile('State = 4');
    expect(p.lineEnding).toBe('none');
    expect(p.finalNewline).toBe(false);
    expect(findAll(p, 'State')).toEqual([]);
  });

  it('reports mixed line endings and a missing final newline', () => {
    const p = parseProfile('[Client]\r\nB = 2\nState = 4');
    expect(p.lineEnding).toBe('mixed');
    expect(p.finalNewline).toBe(false);
    expect(findAll(p, 'State')[0]?.line).toBe(3);
  });

  it('reads a section header with text after "]", ignoring that text', () => {
    const p = parseProfile('[Client] trailing\nState = 4\n');
    expect(findAll(p, 'State')[0]?.section).toBe('Client');
  });
});

// Each of these is a rule of test/oracle/windows-rules.ts, where its evidence is named.
describe('profile reader: section headers as Windows reads them', () => {
  it('ends a section name at the first "]"', () => {
    const p = parseProfile('[Client]]\nState = 4\n[a]b]\nAlias = x\n[Other] x]\nDN = y\n');
    expect(p.sections).toEqual(['Client', 'a', 'Other']);
    expect(findAll(p, 'State')[0]?.section).toBe('Client');
    expect(findAll(p, 'Alias')[0]?.section).toBe('a');
  });

  it('reads a "[" line without "]" as a header whose name ends at the line break', () => {
    const p = parseProfile('[Client   \r\nState=4\r\n[Broken\r\n');
    expect(p.sections).toEqual(['Client', 'Broken']);
    expect(findAll(p, 'State').map((e) => [e.section, e.value])).toEqual([['Client', '4']]);
    expect(findAll(p, '[Broken')).toEqual([]);
  });

  it('keeps a "[" inside a name', () => {
    expect(parseProfile('[[Client]\nState = 4\n').sections).toEqual(['[Client']);
  });

  it('never reads a repeat of a section whose first header had no "]"', () => {
    const p = parseProfile('[client   \nState=1\n[Client]\nState=4\n');
    expect(findAll(p, 'State').map((e) => e.value)).toEqual(['1']);
  });

  it('never reads a section whose name ends in blanks before a NUL: the API trims the name it is asked for', () => {
    const p = parseProfile('[Client \0]\nState=4\n[Other\t\0x]\nNumSCerts=1\n');
    expect(p.sections).toEqual(['Client ', 'Other\t']);
    expect(findAll(p, 'State')).toEqual([]);
    expect(findAll(p, 'NumSCerts')).toEqual([]);
  });

  it('tells sections apart by ASCII case only, as the oracle reads them', () => {
    const p = parseProfile('[\u00c9]\nState=1\n[\u00e9]\nState=4\n[\u212a]\nNumSCerts=1\n[k]\nNumSCerts=2\n[CLIENT]\nA=1\n[client]\nA=2\n');
    expect(findAll(p, 'State').map((e) => [e.section, e.value])).toEqual([
      ['\u00c9', '1'],
      ['\u00e9', '4'],
    ]);
    expect(findAll(p, 'NumSCerts').map((e) => e.value)).toEqual(['1', '2']);
    expect(findAll(p, 'A').map((e) => e.value)).toEqual(['1']);
  });
});

describe('profile reader: values past 65,535 characters', () => {
  const value = (length: number, head = '') =>
    findAll(parseProfile(`[Client]\r\nV=${head}${'x'.repeat(length - head.length)}\r\n`), 'V')[0]!;
  it('reads a value of 65,535 characters in full', () => {
    expect(value(65_535).value).toHaveLength(65_535);
  });

  it('reads a value of exactly 65,536 characters as empty, and wraps a longer one modulo 65,536', () => {
    expect(value(65_536, '1').value).toBe('');
    expect(value(65_537, '1').value).toBe('1');
    expect(value(65_536 * 2 + 3, '4').value).toBe('4xx');
    expect(readProfileInt(value(65_536, '1'))).toBeNull();
    expect(readProfileInt(value(65_537, '1'))).toEqual({ value: 1, digits: true });
  });

  it('keeps the wrapped value where the edit writes', () => {
    const text = `[Client]\nV = 4${'x'.repeat(65_536)}\n`;
    const e = findAll(parseProfile(text), 'V')[0]!;
    expect(text.slice(e.valueStart, e.valueEnd)).toBe('4');
  });
});

describe('profile reader: work linear in the input', () => {
  /**
   * Counts every character the parser touches through ProfileText: each one
   * read, each one a search passes over, each one sliced. A count is exact on
   * any machine, where a wall clock on a busy one is not, so the bound can be
   * tight: 4 times the input may cost at most 6 times the work.
   */
  class CountingText implements ProfileText {
    touched = 0;
    constructor(private readonly inner: string) {}
    get length() {
      return this.inner.length;
    }
    charCodeAt(i: number) {
      this.touched++;
      return this.inner.charCodeAt(i);
    }
    indexOf(c: string, from = 0) {
      const r = this.inner.indexOf(c, from);
      this.touched += (r === -1 ? this.inner.length : r + 1) - Math.max(0, from);
      return r;
    }
    lastIndexOf(c: string, from = this.inner.length) {
      const r = this.inner.lastIndexOf(c, from);
      this.touched += Math.min(from, this.inner.length - 1) + 1 - (r === -1 ? 0 : r);
      return r;
    }
    slice(start: number, end: number) {
      this.touched += Math.max(0, end - start);
      return this.inner.slice(start, end);
    }
  }

  // Shapes that made a reader quadratic, or could: a search per line that runs to the end of the text.
  const shapes: Record<string, (n: number) => string> = {
    '"[" lines with no "]"': (n) => '[x\n'.repeat(n / 3),
    'value lines with no NUL': (n) => '[C]\n' + 'a=b\n'.repeat(n / 4),
    'key lines with no "="': (n) => '[C]\n' + 'a\n'.repeat(n / 2),
    'many "=" on one line': (n) => '[C]\nK' + '='.repeat(n),
    'one long line': (n) => '[C]\nK=' + 'x'.repeat(n),
    'many sections': (n) => Array.from({ length: n / 8 }, (_, i) => `[s${i}]\n`).join(''),
    'NULs around names and values': (n) => '[C \0]\n' + ' a\0 = \0b\n'.repeat(n / 9),
    'lines of "]" and "["': (n) => '[C]\n' + ']\n[\n'.repeat(n / 4),
    'blank lines and lone CRs': (n) => '[C]\n' + ' \t\r\r\n'.repeat(n / 5),
  };
  const n = 64 * 1024;

  it.each(Object.entries(shapes))('%s: 4 times the input costs at most 6 times the work', (_name, shape) => {
    const work = (text: string) => {
      const counted = new CountingText(text);
      findAll(parseProfile(counted), 'State');
      return counted.touched;
    };
    const small = work(shape(n));
    const large = work(shape(4 * n));
    expect(large, `${small} characters touched at ${n}, ${large} at ${4 * n}`).toBeLessThanOrEqual(6 * small);
  });

  it('reads a 1 MiB record of "[" lines with no "]" in well under a second', () => {
    // The shape that took minutes when the search for "]" ran to the start of the text on every line.
    const text = '[x\n'.repeat((1 << 20) / 3);
    const t = performance.now();
    parseProfile(text);
    expect(performance.now() - t).toBeLessThan(2_000);
  });
});

describe('GetPrivateProfileInt numbers', () => {
  const readInt = (value: string) => readProfileInt(findAll(parseProfile(`[Client]\nState=${value}\n`), 'State')[0]);
  it.each([
    ['4', 4, true],
    ['  4', 4, true],
    ['+4', 4, true],
    ['-1', -1, true],
    ['04', 4, true],
    ['4abc', 4, true],
    ['42A9', 42, true],
    ['0x4', 4, true],
    ['0x1F', 31, true],
    ['0X4', 0, true],
    ['0b100', 4, true],
    ['0B100', 0, true],
    ['0o17', 15, true],
    ['0o9', 0, false],
    ['-0x4', -4, true],
    ['- 4', 0, false],
    ['4294967297', 1, true],
    ['-4294967297', -1, true],
    ['2147483648', -2147483648, true],
    ['0xffffffff', -1, true],
    ['"0x4"', 4, true],
    ['\x014', 4, true],
    ['abc', 0, false],
    ['x', 0, false],
    ['\t-', 0, false],
    ['0x', 0, false],
    // The API copies at most 29 characters before reading the number.
    ['0000000000000000000000000000004', 0, true],
    ['00000000000000000000000000004', 4, true],
    // A quoted value that fills the buffer loses its own last character.
    ['"00000000000000000000000000004"', 0, true],
    ['"0000000000000000000000000004"', 4, true],
  ] as const)('%j reads as %j', (value, expected, digits) => {
    expect(readInt(value)).toEqual({ value: expected, digits });
  });

  it.each([['State'], ['State ='], ['State = ""'], ['; State = 4'], ['Other = 4']])("%j gives the caller's default", (line) => {
    expect(readProfileInt(findAll(parseProfile(`[Client]\n${line}\n`), 'State')[0])).toBeNull();
  });
});

/** An ANSI file's text, as the reader sees it. */
const ansiText = (bytes: Buffer) => decode(bytes).text.toString();

describe('encodings', () => {
  it('reads Windows-1252, not Latin-1, in 0x80-0x9F', () => {
    expect(ansiText(Buffer.from([0x80, 0x8a, 0x9f, 0xe9, 0x41]))).toBe('€ŠŸéA');
  });

  it('maps the five undefined 1252 bytes to the C1 controls, reversibly', () => {
    const bytes = Buffer.from([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
    const text = ansiText(bytes);
    expect(encode(text, 'windows-1252')).toEqual(bytes);
  });

  it('round-trips every byte through Windows-1252', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(encode(ansiText(all), 'windows-1252')).toEqual(all);
  });

  it('refuses to encode a character ANSI cannot hold', () => {
    expect(() => encode('Ω', 'windows-1252')).toThrow(/U\+03a9/);
  });

  it('reads a file with the UTF-16LE BOM as Unicode and keeps byte positions derivable', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[Client]\r\nName = José Müller\r\nState = 4\r\n', 'utf16le')]);
    const d = decode(bytes);
    expect(d.encoding).toBe('utf-16le');
    expect(d.prefixBytes).toBe(2);
    const e = findAll(parseProfile(d.text), 'State')[0]!;
    const at = d.prefixBytes + e.valueStart * d.unitBytes;
    expect(bytes.subarray(at, at + 2)).toEqual(Buffer.from('4', 'utf16le'));
  });

  it('reads any other file as ANSI, even one that looks like UTF-8 or has a UTF-16BE BOM', () => {
    expect(decode(Buffer.from('Jos\xc3\xa9', 'latin1')).text.toString()).toBe('JosÃ©');
    expect(decode(Buffer.from([0xfe, 0xff, 0x00, 0x41])).encoding).toBe('windows-1252');
  });

  it('flags a UTF-16LE file with an odd byte count', () => {
    const d = decode(Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x42]));
    expect(d.text).toBe('A');
    expect(d.oddTrailingByte).toBe(true);
  });
});

import type { ProfileText } from './parse.js';

/** How a profile file's bytes map to text, as the Windows profile API decides it. */
export type Encoding = 'utf-16le' | 'windows-1252';

/**
 * Windows-1252 differs from Latin-1 only in 0x80-0x9F. Five of those bytes are
 * undefined in 1252; Windows maps them to the C1 control with the same number,
 * and so do we, which keeps decoding total and reversible.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

const CP1252_ENCODE = new Map<number, number>(CP1252_HIGH.map((code, i) => [code, 0x80 + i]));

/**
 * ANSI text as its Latin-1 string, with Windows-1252 applied only to the
 * slices that are read: a scan pays for a memcpy, not a full decode.
 * charCodeAt gives the raw byte, which is the character for every ASCII
 * character the parser looks for.
 */
export class AnsiText implements ProfileText {
  private readonly latin1: string;

  constructor(bytes: Buffer) {
    this.latin1 = bytes.toString('latin1');
  }

  get length(): number {
    return this.latin1.length;
  }

  charCodeAt(index: number): number {
    return this.latin1.charCodeAt(index);
  }

  indexOf(char: string, from?: number): number {
    return this.latin1.indexOf(char, from);
  }

  lastIndexOf(char: string, from?: number): number {
    return this.latin1.lastIndexOf(char, from);
  }

  slice(start: number, end: number): string {
    return latin1To1252(this.latin1.slice(start, end));
  }

  toString(): string {
    return latin1To1252(this.latin1);
  }

  /** The bytes as Latin-1, for checks of C0 control bytes, which both encodings share. */
  raw(): string {
    return this.latin1;
  }
}

export interface DecodedText {
  encoding: Encoding;
  /** The file's text without the BOM. */
  text: ProfileText;
  /** Bytes before `text` starts (the BOM). */
  prefixBytes: number;
  /** Bytes per UTF-16 code unit of `text`: 2 for UTF-16LE, 1 for ANSI. */
  unitBytes: 1 | 2;
  /** A UTF-16LE file with an odd number of bytes: the last byte is not text. */
  oddTrailingByte: boolean;
}

export function detectEncoding(bytes: Uint8Array): Encoding {
  return bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : 'windows-1252';
}

export function decode(bytes: Buffer): DecodedText {
  if (detectEncoding(bytes) === 'utf-16le') {
    const end = bytes.length - ((bytes.length - 2) % 2);
    return {
      encoding: 'utf-16le',
      text: bytes.toString('utf16le', 2, end),
      prefixBytes: 2,
      unitBytes: 2,
      oddTrailingByte: end !== bytes.length,
    };
  }
  return { encoding: 'windows-1252', text: new AnsiText(bytes), prefixBytes: 0, unitBytes: 1, oddTrailingByte: false };
}

function latin1To1252(latin1: string): string {
  // Fast path: without bytes in 0x80-0x9F, Latin-1 and 1252 agree.
  if (!hasC1(latin1)) return latin1;
  return latin1.replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] as number));
}

const C1 = /[\x80-\x9f]/;

function hasC1(latin1: string): boolean {
  // Short strings (keys, most values) are cheaper to walk than to hand to the regex engine.
  if (latin1.length > 64) return C1.test(latin1);
  for (let i = 0; i < latin1.length; i++) {
    const c = latin1.charCodeAt(i);
    if (c >= 0x80 && c <= 0x9f) return true;
  }
  return false;
}

/** Encodes text for a file of the given encoding; throws when ANSI cannot hold a character. */
export function encode(text: string, encoding: Encoding): Buffer {
  if (encoding === 'utf-16le') return Buffer.from(text, 'utf16le');
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : CP1252_ENCODE.get(code);
    if (byte === undefined) throw new RangeError(`character U+${code.toString(16).padStart(4, '0')} has no Windows-1252 byte`);
    out[i] = byte;
  }
  return out;
}

/** How a profile file's bytes map to text, as the Windows profile API decides it. */
export type Encoding = 'utf-16le' | 'windows-1252';

/**
 * Windows-1252 differs from Latin-1 only in 0x80-0x9F. Five of those bytes are
 * undefined in 1252; Windows maps them to the C1 control with the same number,
 * and so do we, which keeps decoding total and reversible.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

const CP1252_ENCODE = new Map<number, number>(CP1252_HIGH.map((code, i) => [code, 0x80 + i]));

export interface DecodedText {
  encoding: Encoding;
  /** The file's text without the BOM. */
  text: string;
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
  return { encoding: 'windows-1252', text: decodeWindows1252(bytes), prefixBytes: 0, unitBytes: 1, oddTrailingByte: false };
}

export function decodeWindows1252(bytes: Buffer): string {
  const latin1 = bytes.toString('latin1');
  // Fast path: without bytes in 0x80-0x9F, Latin-1 and 1252 agree.
  if (!/[\x80-\x9f]/.test(latin1)) return latin1;
  return latin1.replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] as number));
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

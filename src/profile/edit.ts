import { encode, type DecodedText } from './encoding.js';
import type { ProfileEntry } from './parse.js';

/** Byte offsets (half-open) of an entry's value in the file. */
export function valueByteRange(decoded: DecodedText, entry: ProfileEntry): [number, number] {
  return [decoded.prefixBytes + entry.valueStart * decoded.unitBytes, decoded.prefixBytes + entry.valueEnd * decoded.unitBytes];
}

/**
 * The file's bytes with one entry's value replaced, in the file's own
 * encoding. Every other byte (BOM, key case, spacing, quotes, line endings,
 * a missing final newline) is copied as it was.
 */
export function replaceValue(bytes: Buffer, decoded: DecodedText, entry: ProfileEntry, value: string): Buffer {
  if (!entry.hasValue) throw new RangeError(`line ${entry.line} has no value to replace`);
  const [start, end] = valueByteRange(decoded, entry);
  return Buffer.concat([bytes.subarray(0, start), encode(value, decoded.encoding), bytes.subarray(end)]);
}

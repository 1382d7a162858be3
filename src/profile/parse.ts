/**
 * A reader of Windows profile (.ini) text with the semantics of
 * GetPrivateProfileString, keeping every position a byte-exact edit needs.
 */

/**
 * The text the parser walks. A string is one; ANSI files are read in place
 * through AnsiText, so that a scan decodes only the values it looks at.
 * Every character the parser searches for is ASCII.
 */
export interface ProfileText {
  readonly length: number;
  charCodeAt(index: number): number;
  indexOf(char: string, from?: number): number;
  lastIndexOf(char: string, from?: number): number;
  slice(start: number, end: number): string;
}

export class ProfileEntry {
  private decoded: string | null | undefined;

  constructor(
    private readonly text: ProfileText,
    /** Section name as written, trimmed; '' for keys before any section header. */
    readonly section: string,
    /** Key name as written, trimmed. */
    readonly key: string,
    /** Text offsets of `value` (half-open); equal when the value is empty or absent. */
    readonly valueStart: number,
    readonly valueEnd: number,
    /** False for a line without '=': a key with no value. */
    readonly hasValue: boolean,
    /** 1-based line number. */
    readonly line: number,
  ) {}

  /** The value as the profile API returns it: trimmed, one pair of outer quotes removed. Null when the line has no '='. */
  get value(): string | null {
    if (this.decoded === undefined) this.decoded = this.hasValue ? this.text.slice(this.valueStart, this.valueEnd) : null;
    return this.decoded;
  }
}

export type LineEnding = 'CRLF' | 'LF' | 'CR' | 'mixed' | 'none';

export interface Profile {
  entries: ProfileEntry[];
  lineEnding: LineEnding;
  finalNewline: boolean;
}

const SPACE = 0x20;
const TAB = 0x09;
const VTAB = 0x0b;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === VTAB;
}

export function parseProfile(text: ProfileText): Profile {
  const entries: ProfileEntry[] = [];
  let section = '';
  let sawCRLF = false;
  let sawLF = false;
  let sawCR = false;
  let finalNewline = false;
  let line = 0;
  let pos = 0;
  const n = text.length;

  // Native searches for the next CR and LF, each redone only once passed,
  // keep long certificate lines from being walked character by character.
  let nextLF = text.indexOf('\n');
  let nextCR = text.indexOf('\r');
  let nextEq = text.indexOf('=');

  while (pos < n) {
    line++;
    if (nextLF !== -1 && nextLF < pos) nextLF = text.indexOf('\n', pos);
    if (nextCR !== -1 && nextCR < pos) nextCR = text.indexOf('\r', pos);
    const end = nextCR === -1 ? (nextLF === -1 ? n : nextLF) : nextLF === -1 ? nextCR : Math.min(nextCR, nextLF);
    let next = end;
    if (end < n) {
      if (end === nextCR) {
        if (nextLF === end + 1) {
          sawCRLF = true;
          next = end + 2;
        } else {
          sawCR = true;
          next = end + 1;
        }
      } else {
        sawLF = true;
        next = end + 1;
      }
      finalNewline = next >= n;
    }

    let start = pos;
    let stop = end;
    while (start < stop && isBlank(text.charCodeAt(start))) start++;
    while (stop > start && isBlank(text.charCodeAt(stop - 1))) stop--;
    pos = next;

    if (start === stop) continue;
    const first = text.charCodeAt(start);
    if (first === 0x3b /* ; */) continue;
    if (first === 0x5b /* [ */) {
      const close = text.lastIndexOf(']', stop - 1);
      if (close > start) {
        section = text.slice(start + 1, close).trim();
        continue;
      }
      // A '[' line with no ']' is not a header; the profile API reads it as a key line.
    }

    if (nextEq !== -1 && nextEq < start) nextEq = text.indexOf('=', start);
    const eq = nextEq;
    if (eq === -1 || eq >= stop) {
      entries.push(new ProfileEntry(text, section, text.slice(start, stop), stop, stop, false, line));
      continue;
    }
    let keyEnd = eq;
    while (keyEnd > start && isBlank(text.charCodeAt(keyEnd - 1))) keyEnd--;
    let valueStart = eq + 1;
    while (valueStart < stop && isBlank(text.charCodeAt(valueStart))) valueStart++;
    let valueEnd = stop;
    const q = text.charCodeAt(valueStart);
    if (valueEnd - valueStart >= 2 && (q === 0x22 || q === 0x27) && text.charCodeAt(valueEnd - 1) === q) {
      valueStart++;
      valueEnd--;
    }
    entries.push(new ProfileEntry(text, section, text.slice(start, keyEnd), valueStart, valueEnd, true, line));
  }

  const kinds = Number(sawCRLF) + Number(sawLF) + Number(sawCR);
  const lineEnding: LineEnding = kinds === 0 ? 'none' : kinds > 1 ? 'mixed' : sawCRLF ? 'CRLF' : sawLF ? 'LF' : 'CR';
  return { entries, lineEnding, finalNewline };
}

/** Every entry whose key matches `name` case-insensitively, in file order; the first is the one the profile API reads. */
export function findAll(profile: Profile, name: string): ProfileEntry[] {
  const wanted = name.toLowerCase();
  return profile.entries.filter((e) => e.key.length === wanted.length && e.key.toLowerCase() === wanted);
}

/**
 * The integer the profile API's GetPrivateProfileInt reads from a value:
 * after leading blanks, an optional sign and leading decimal digits.
 * Null when there are none.
 */
export function leadingInteger(value: string | null): number | null {
  if (value === null) return null;
  const m = /^[\x00-\x20]*([+-]?\d+)/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

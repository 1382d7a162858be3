/**
 * A reader of Windows profile (.ini) text with the semantics of
 * GetPrivateProfileString on Windows 10, keeping every position a byte-exact
 * edit needs. Where wine reads otherwise, Windows is followed; each such rule
 * and its evidence is written once, in test/oracle/windows-rules.ts.
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
  private name: string | undefined;

  constructor(
    private readonly text: ProfileText,
    /**
     * Section name as the API lists it: from after '[' to the first ']' or the
     * line break, trimmed, up to any NUL; '' for keys before any section header.
     */
    readonly section: string,
    /** Text offsets of `key` (half-open). */
    private readonly keyStart: number,
    private readonly keyEnd: number,
    /** Text offsets of `value` (half-open); equal when the value is empty or absent. */
    readonly valueStart: number,
    readonly valueEnd: number,
    /** False for a line without '=': a key with no value. */
    readonly hasValue: boolean,
    /** 1-based line number. */
    readonly line: number,
    /**
     * Whether the profile API can return this entry for some section name:
     * it is in a named section whose name ends in no blank, and in the first
     * section of that name (names compared in ASCII case).
     */
    readonly readable: boolean,
    /** Whether one pair of outer quotes was stripped from the value. */
    readonly quoted: boolean,
  ) {}

  /**
   * The value as the profile API returns it: trimmed, its first (length mod
   * 65,536) characters, up to any NUL, one pair of outer quotes removed.
   * Null when the line has no '='.
   */
  get value(): string | null {
    if (this.decoded === undefined) this.decoded = this.hasValue ? this.text.slice(this.valueStart, this.valueEnd) : null;
    return this.decoded;
  }

  /**
   * Key name as the API compares it: trimmed, up to any NUL. Made when first
   * asked for: finding State and NumSCerts needs no key's text (keyIs).
   */
  get key(): string {
    return (this.name ??= this.text.slice(this.keyStart, this.keyEnd));
  }

  /** The key's length in characters (one per byte in ANSI files), without making the key. */
  get keyLength(): number {
    return this.keyEnd - this.keyStart;
  }

  /**
   * Whether the key equals `folded`, an ASCII name already through foldName,
   * in ASCII case, read in place. ANSI text is read as its raw bytes here: a
   * byte that Windows-1252 maps elsewhere (0x80-0x9F) is no ASCII letter
   * either way, so the answer is the key's.
   */
  keyIs(folded: string): boolean {
    if (this.keyEnd - this.keyStart !== folded.length) return false;
    for (let i = 0; i < folded.length; i++) {
      const c = this.text.charCodeAt(this.keyStart + i);
      if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== folded.charCodeAt(i)) return false;
    }
    return true;
  }
}

export type LineEnding = 'CRLF' | 'LF' | 'CR' | 'mixed' | 'none';

export interface Profile {
  entries: ProfileEntry[];
  /** Every section header's name, in file order, as GetPrivateProfileSectionNames lists them (empty names are not). */
  sections: string[];
  lineEnding: LineEnding;
  finalNewline: boolean;
}

/** The profile API's blanks: tab, LF, VT, FF, CR, space, and ^Z (the DOS end of file). */
function isBlank(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x1a;
}

function trimBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isBlank(s.charCodeAt(start))) start++;
  while (end > start && isBlank(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** The API keeps names and values as C strings: a NUL ends them. */
function upToNul(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/**
 * The API returns a value's first (length mod 65,536) characters: exactly
 * 65,536 reads as empty, 65,537 as one character. Windows 10, measured on
 * ANSI files (test/oracle/windows-rules.ts, value-wrap).
 */
export const VALUE_WRAP = 0x10000;

/** A name as the API compares it: A-Z and a-z alike, every other character as itself. */
export function foldName(name: string): string {
  let upper = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // toLowerCase would fold non-ASCII letters too; only then is the slower, ASCII-only replace needed.
    if (c >= 0x80) return name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  return upper ? name.toLowerCase() : name;
}

function simpleCase(ch: string, upper: boolean): string {
  const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
  if (mapped.length === 1) return mapped;
  // U+0130 lowers to i + U+0307 in full mapping; its simple mapping, the one a per-character table holds, is the i.
  return !upper && mapped.charCodeAt(1) === 0x0307 ? mapped.charAt(0) : ch;
}

function mapName(name: string, upper: boolean): string {
  let out = '';
  for (const ch of name)
    out += ch.length === 1 && ch.charCodeAt(0) < 0x80 ? (upper ? ch.toUpperCase() : ch.toLowerCase()) : simpleCase(ch, upper);
  return out;
}

/**
 * Whether two names differ in ASCII case folding but could be one name to a
 * Windows that folds beyond ASCII (É and é, KELVIN SIGN and k, long s and s,
 * dotless i and I). How Windows compares such names is not established by
 * evidence (windows-rules.ts, non-ascii-case), so kmsdb reads them as two, as
 * wine does, and calls a record that depends on them ambiguous.
 */
export function differOnlyBeyondAscii(a: string, b: string): boolean {
  if (foldName(a) === foldName(b)) return false;
  if (!hasNonAscii(a) && !hasNonAscii(b)) return false;
  const la = mapName(a, false);
  const lb = mapName(b, false);
  const ua = mapName(a, true);
  const ub = mapName(b, true);
  return la === lb || ua === ub || mapName(ua, false) === mapName(ub, false);
}

export function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true;
  return false;
}

export function parseProfile(text: ProfileText): Profile {
  const entries: ProfileEntry[] = [];
  const sections: string[] = [];
  // The API finds a section by name, and of several with one name only the first.
  const named = new Set<string>();
  let section = '';
  let readable = false;
  let sawCRLF = false;
  let sawLF = false;
  let sawCR = false;
  let finalNewline = false;
  let line = 0;
  let pos = 0;
  const n = text.length;

  // Each search runs ahead once and is redone only when the walk has passed
  // what it found, so the whole parse reads the text a fixed number of times:
  // a search per line that ran to the end of the text made a file of
  // `[` lines with no `]` quadratic. Native searches also keep long
  // certificate lines from being walked character by character.
  let nextLF = text.indexOf('\n');
  let nextCR = text.indexOf('\r');
  let nextEq = text.indexOf('=');
  let nextClose = text.indexOf(']');
  let nextNul = text.indexOf('\0');

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
      // Windows ends the name at the first ']' and ignores the rest of the
      // line; a '[' line with no ']' is a header too, its name ending at the
      // line break. (Wine takes the last ']', and reads a line with none as a key.)
      if (nextClose !== -1 && nextClose < start) nextClose = text.indexOf(']', start);
      const close = nextClose !== -1 && nextClose < stop ? nextClose : stop;
      section = upToNul(trimBlanks(text.slice(start + 1, close)));
      const folded = foldName(section);
      // The API trims the name it is asked for, so a name that keeps a blank
      // before its NUL can never be asked for; nor can an empty one.
      readable = section !== '' && !isBlank(section.charCodeAt(section.length - 1)) && !named.has(folded);
      named.add(folded);
      if (section !== '') sections.push(section);
      continue;
    }

    if (nextEq !== -1 && nextEq < start) nextEq = text.indexOf('=', start);
    if (nextNul !== -1 && nextNul < start) nextNul = text.indexOf('\0', start);
    const eq = nextEq;
    if (eq === -1 || eq >= stop) {
      // A key ends at its first NUL, which nextNul (at or after start) finds.
      const keyStop = nextNul !== -1 && nextNul < stop ? nextNul : stop;
      entries.push(new ProfileEntry(text, section, start, keyStop, stop, stop, false, line, readable, false));
      continue;
    }
    let keyEnd = eq;
    while (keyEnd > start && isBlank(text.charCodeAt(keyEnd - 1))) keyEnd--;
    if (nextNul !== -1 && nextNul < keyEnd) keyEnd = nextNul;
    let valueStart = eq + 1;
    while (valueStart < stop && isBlank(text.charCodeAt(valueStart))) valueStart++;
    let valueEnd = stop;
    if (valueEnd - valueStart >= VALUE_WRAP) valueEnd = valueStart + ((valueEnd - valueStart) % VALUE_WRAP);
    if (nextNul !== -1 && nextNul < valueStart) nextNul = text.indexOf('\0', valueStart);
    if (nextNul !== -1 && nextNul < valueEnd) valueEnd = nextNul;
    const q = text.charCodeAt(valueStart);
    const quoted = valueEnd - valueStart >= 2 && (q === 0x22 || q === 0x27) && text.charCodeAt(valueEnd - 1) === q;
    if (quoted) {
      valueStart++;
      valueEnd--;
    }
    entries.push(new ProfileEntry(text, section, start, keyEnd, valueStart, valueEnd, true, line, readable, quoted));
  }

  const kinds = Number(sawCRLF) + Number(sawLF) + Number(sawCR);
  const lineEnding: LineEnding = kinds === 0 ? 'none' : kinds > 1 ? 'mixed' : sawCRLF ? 'CRLF' : sawLF ? 'LF' : 'CR';
  return { entries, sections, lineEnding, finalNewline };
}

/**
 * Every entry the profile API can return whose key matches `name` in ASCII
 * case, in file order, whatever its section: the first is the one kmsdb
 * reads. Keys before the first section header, in a section with an empty
 * name, in a section whose name keeps a blank before a NUL, or in a later
 * section of a name already used are never returned by the API for the
 * names KMS asks for, so they are not found here.
 */
export function findAll(profile: Profile, name: string): ProfileEntry[] {
  const wanted = foldName(name);
  return profile.entries.filter((e) => e.readable && e.keyIs(wanted));
}

/** GetPrivateProfileInt's reading of a value: null for the caller's default, else the integer and whether any digit was read. */
export interface ProfileInt {
  value: number;
  /** False when the value holds no digit (`x`, `-`, `0x`): the API still reads it, as 0. */
  digits: boolean;
}

/**
 * The integer GetPrivateProfileInt returns for an entry, as a signed 32-bit
 * number; null where it returns the caller's default (no entry, no '=', an
 * empty value). The API reads the value into a 30-character buffer and hands
 * it to RtlUnicodeStringToInteger with base 0: leading characters up to
 * U+0020 are skipped, then one sign, then a `0x`, `0o` or `0b` prefix
 * (lower case only), then digits of that base, wrapping at 32 bits.
 */
export function readProfileInt(entry: ProfileEntry | undefined): ProfileInt | null {
  if (!entry || entry.value === null) return null;
  const value = entry.value;
  // The buffer holds 29 characters. Quotes are stripped after the copy, so a
  // quoted value that fills the buffer loses its own last character instead.
  let buffer = value.slice(0, 29);
  if (entry.quoted) {
    const copied = (value + '"').slice(0, 29);
    buffer = value.length + 1 <= 30 ? copied.slice(0, -1) : copied;
  }
  if (buffer === '') return null;
  let i = 0;
  while (i < buffer.length && buffer.charCodeAt(i) <= 0x20) i++;
  let negative = false;
  if (buffer[i] === '+') i++;
  else if (buffer[i] === '-') {
    negative = true;
    i++;
  }
  let base = 10;
  if (buffer.length - i >= 2 && buffer[i] === '0') {
    const p = buffer[i + 1];
    base = p === 'x' ? 16 : p === 'o' ? 8 : p === 'b' ? 2 : 10;
    if (base !== 10) i += 2;
  }
  let total = 0;
  let digits = false;
  for (; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x5a ? c - 0x41 + 10 : c >= 0x61 && c <= 0x7a ? c - 0x61 + 10 : 99;
    if (digit >= base) break;
    total = (Math.imul(total, base) + digit) >>> 0;
    digits = true;
  }
  return { value: (negative ? -total : total) | 0, digits };
}

// The INI dialect kmsdb's settings files have always been read in: that of the
// `ini` package (version 6), line for line, without its two costs: it splits
// the text into a list of lines, whose time grew faster than the file in
// tests, and it nests sections named with dots as deep as the name has parts.
// Here the text is read in one pass, and a dotted section name is refused.

/** A section name with a dot (escaped or not): the ini package nests it, and no server's short name has one. */
export class DottedSectionError extends Error {
  constructor(readonly written: string) {
    super(`[${written}] has a dot in its name`);
    this.name = 'DottedSectionError';
  }
}

const SKIP = /^\s*(?:[;#]|$)/;
const SECTION = /^\[([^\]]*)\]\s*$/;
const KEY = /^([^=]+)(=(.*))?$/;

/**
 * A key, value or section name as written, read as the ini package reads it:
 * trimmed; a value in double quotes (or single quotes around JSON) is JSON;
 * otherwise `\\`, `\;` and `\#` stand for the character after the backslash,
 * and an unescaped `;` or `#` starts a comment.
 */
export function unescapeIni(written: string): unknown {
  let val = written.trim();
  if ((val.startsWith('"') && val.endsWith('"')) || (val.startsWith("'") && val.endsWith("'"))) {
    if (val.startsWith("'")) val = val.slice(1, -1);
    try {
      return JSON.parse(val) as unknown;
    } catch {
      return val;
    }
  }
  let out = '';
  let escaped = false;
  for (const c of val) {
    if (escaped) {
      out += '\\;#'.includes(c) ? c : `\\${c}`;
      escaped = false;
    } else if (c === ';' || c === '#') break;
    else if (c === '\\') escaped = true;
    else out += c;
  }
  if (escaped) out += '\\';
  return out.trim();
}

/** What a value is: a string, unless it was `true`, `false`, `null` or quoted JSON; a list for `key[]`. */
export type IniValue = unknown;
export type IniSections = Record<string, Record<string, IniValue> | IniValue>;

/**
 * Parses INI text as the ini package's `parse` does, with objects without a
 * prototype, and throws DottedSectionError for a section named with a dot.
 * Lines end at CR or LF; blank lines and lines starting with `;` or `#` are
 * passed over; `key[] = v` lines gather into a list; `true`, `false` and
 * `null` are those values; a `__proto__` section or key is dropped.
 */
export function parseIni(text: string): IniSections {
  const out: IniSections = Object.create(null) as IniSections;
  let section: Record<string, IniValue> = out as Record<string, IniValue>;
  const line = (text: string): void => {
    if (SKIP.test(text)) return;
    const header = SECTION.exec(text);
    if (header) {
      const written = header[1] ?? '';
      // As an object's key, which is what the ini package makes of it.
      const name = String(unescapeIni(written));
      if (name.includes('.')) throw new DottedSectionError(written);
      if (name === '__proto__') {
        section = Object.create(null) as Record<string, IniValue>;
        return;
      }
      const existing = out[name];
      // A key outside any section with a value other than "" names no section: the ini package
      // then keeps the value, and the section's keys go nowhere.
      if (existing !== null && typeof existing === 'object') section = existing as Record<string, IniValue>;
      else if (existing) section = Object.create(null) as Record<string, IniValue>;
      else section = out[name] = Object.create(null) as Record<string, IniValue>;
      return;
    }
    const pair = KEY.exec(text);
    if (!pair) return;
    const keyRaw = unescapeIni(pair[1] ?? '');
    const isList = typeof keyRaw === 'string' && keyRaw.length > 2 && keyRaw.endsWith('[]');
    const key = isList ? keyRaw.slice(0, -2) : String(keyRaw);
    if (key === '__proto__') return;
    const raw = pair[2] !== undefined ? unescapeIni(pair[3] ?? '') : true;
    const value = raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : raw;
    if (isList && !Object.prototype.hasOwnProperty.call(section, key)) section[key] = [];
    else if (isList && !Array.isArray(section[key])) section[key] = [section[key]];
    const current = section[key];
    if (Array.isArray(current)) current.push(value);
    else section[key] = value;
  };
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x0a;
    if (c !== 0x0a && c !== 0x0d) continue;
    if (i > start) line(text.slice(start, i));
    start = i + 1;
  }
  return out;
}

import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { validator } from '../contract/index.js';
import { describeFsError } from '../fs-errors.js';
import { InputError, readBounded, sizeText } from '../input/bounded.js';
import { DottedSectionError, parseIni } from './ini.js';

/** What the settings file gives one server. */
export interface ServerSettings {
  /** The file the settings came from. */
  file: string;
  database?: string;
  backupDir?: string;
  log?: string;
}

/** A settings file that cannot be used, with the sentence that says why (the CLI makes it a usage error). */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const usage = (message: string) => new SettingsError(message);

const KNOWN_KEYS = ['database', 'backupDir', 'log'];

/** The settings file kmsdb reads when neither --config nor KMSDB_CONFIG names one. */
export function defaultSettingsPath(): string {
  return process.platform === 'win32'
    ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'KmsEnrollment', 'kmsdb.ini')
    : '/etc/kmsdb/kmsdb.ini';
}

/** The most a settings file holds: a few lines per server. */
const SETTINGS_LIMIT = 1024 * 1024;

/**
 * A settings file's text, in the encodings Notepad saves: UTF-8 with or
 * without a BOM, and "Unicode" (UTF-16LE with a BOM) or "Unicode big endian".
 * Anything else is refused with the encoding to use, rather than misread.
 */
function settingsText(file: string, bytes: Buffer): string {
  const save = 'save it as UTF-8 (or as Unicode with a BOM)';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2, bytes.length - (bytes.length % 2)).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)))
      .swap16()
      .toString('utf16le');
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const nuls = body.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
  if (nuls * 4 > body.length) throw usage(`settings file ${file} looks like UTF-16 without a BOM; ${save}.`);
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) throw usage(`settings file ${file} is not valid UTF-8 (an ANSI file?); ${save}.`);
  return text;
}

function sentence(file: string, e: ErrorObject | undefined): string {
  const section = e?.instancePath.split('/')[1] ?? '';
  if (e?.keyword === 'additionalProperties') {
    return `settings file ${file}: [${section}] has an unknown key '${String(e.params.additionalProperty)}'; the keys are ${KNOWN_KEYS.join(', ')}.`;
  }
  if (e?.keyword === 'pattern') {
    return `settings file ${file}: [${section}] ${e.instancePath.split('/')[2] ?? ''} holds a NUL character, which no path can.`;
  }
  if (e?.keyword === 'type' && e.instancePath.split('/').length === 2) {
    return `settings file ${file}: '${section}' is outside any section; keys go under [defaults] or a server's section.`;
  }
  return `settings file ${file}: ${e?.instancePath ? `[${section}] ${e.instancePath.split('/')[2] ?? ''} ` : ''}${e?.message ?? 'is not valid'}.`;
}

/** What a section name is shown as in a message: the start of it, when it is long. */
function shown(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}...` : name;
}

/**
 * Reads the settings for this server: from `explicit` (--config), else
 * KMSDB_CONFIG, else the default location if a file is there. The file is
 * INI, read as the ini package reads it (src/settings/ini.ts); key names are case-insensitive. It is
 * validated against schemas/settings.schema.json, and any fault is a usage
 * error naming the file, the section and the key.
 */
export function loadSettings(explicit: string | undefined, host = hostname()): ServerSettings | null {
  const named = explicit ?? (process.env.KMSDB_CONFIG || undefined);
  const file = resolve(named ?? defaultSettingsPath());
  if (!named && !existsSync(file)) return null;
  let bytes: Buffer;
  try {
    ({ bytes } = readBounded(file, SETTINGS_LIMIT));
  } catch (err) {
    if (err instanceof InputError && err.reason === 'size')
      throw usage(`settings file ${file} is larger than ${sizeText(SETTINGS_LIMIT)}; it is not a kmsdb settings file.`);
    if (err instanceof InputError) throw usage(`settings file ${file} ${err.message}; name the settings file itself.`);
    throw usage(`settings file ${file} cannot be read: ${describeFsError(err)}.`);
  }
  const text = settingsText(file, bytes);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseIni(text);
  } catch (err) {
    if (err instanceof DottedSectionError)
      throw usage(
        `settings file ${file}: [${shown(err.written)}] has a dot in its name; name a server's section by its short name, like [KMS01].`,
      );
    throw err;
  }
  const lowered: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(parsed)) {
    lowered[name] =
      section !== null && typeof section === 'object' && !Array.isArray(section)
        ? Object.fromEntries(Object.entries(section as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]))
        : section;
  }
  const validate = validator('settings');
  if (!validate(lowered)) throw usage(sentence(file, validate.errors?.[0]));

  const sections = lowered as Record<string, { database?: string; backupdir?: string; log?: string }>;
  const short = host.split('.')[0]?.toLowerCase() ?? '';
  const server = Object.entries(sections).find(([name]) => name.toLowerCase() === short)?.[1];
  const merged = { ...sections.defaults, ...server };
  for (const [key, value] of Object.entries(merged)) {
    // INI reads "\\" as an escaped "\": a UNC path written \\server\share arrives as \server\share.
    if (/^\\[^\\]/.test(value)) {
      throw usage(
        `settings file ${file}: ${key} = ${value} looks like a UNC path that lost a backslash; write \\\\\\\\server\\share or //server/share.`,
      );
    }
  }
  const settings: ServerSettings = { file };
  if (merged.database !== undefined) settings.database = merged.database;
  if (merged.backupdir !== undefined) settings.backupDir = merged.backupdir;
  if (merged.log !== undefined) settings.log = merged.log;
  return settings;
}

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import ini from 'ini';
import type { ErrorObject } from 'ajv';
import { validator } from '../contract/index.js';
import { usage } from '../cli/errors.js';
import { describeFsError } from '../records/scan.js';

/** What the settings file gives one server. */
export interface ServerSettings {
  /** The file the settings came from. */
  file: string;
  database?: string;
  backupDir?: string;
  log?: string;
}

const KNOWN_KEYS = ['database', 'backupDir', 'log'];

/** The settings file kmsdb reads when neither --config nor KMSDB_CONFIG names one. */
export function defaultSettingsPath(): string {
  return process.platform === 'win32' ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'KmsEnrollment', 'kmsdb.ini') : '/etc/kmsdb/kmsdb.ini';
}

function sentence(file: string, e: ErrorObject | undefined): string {
  const section = e?.instancePath.split('/')[1] ?? '';
  if (e?.keyword === 'additionalProperties') {
    return `settings file ${file}: [${section}] has an unknown key '${String(e.params.additionalProperty)}'; the keys are ${KNOWN_KEYS.join(', ')}.`;
  }
  if (e?.keyword === 'type' && e.instancePath.split('/').length === 2) {
    return `settings file ${file}: '${section}' is outside any section; keys go under [defaults] or a server's section.`;
  }
  return `settings file ${file}: ${e?.instancePath ? `[${section}] ${e.instancePath.split('/')[2] ?? ''} ` : ''}${e?.message ?? 'is not valid'}.`;
}

/** The ini package splits section names at dots into nested objects: the first such name, put back together. */
function dottedSection(parsed: Record<string, unknown>, prefix = ''): string | null {
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const inner = Object.entries(value as Record<string, unknown>).find(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v));
    if (inner) return dottedSection({ [inner[0]]: inner[1] }, `${prefix}${name}.`) ?? `${prefix}${name}.${inner[0]}`;
  }
  return null;
}

/**
 * Reads the settings for this server: from `explicit` (--config), else
 * KMSDB_CONFIG, else the default location if a file is there. The file is
 * INI, parsed by the ini package; key names are case-insensitive. It is
 * validated against schemas/settings.schema.json, and any fault is a usage
 * error naming the file, the section and the key.
 */
export function loadSettings(explicit: string | undefined, host = hostname()): ServerSettings | null {
  const named = explicit ?? (process.env.KMSDB_CONFIG || undefined);
  const file = resolve(named ?? defaultSettingsPath());
  if (!named && !existsSync(file)) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw usage(`settings file ${file} cannot be read: ${describeFsError(err)}.`);
  }
  const parsed = ini.parse(text) as Record<string, unknown>;
  const dotted = dottedSection(parsed);
  if (dotted) throw usage(`settings file ${file}: [${dotted}] has a dot in its name; name a server's section by its short name, like [KMS01].`);
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
    // The ini package reads "\\" as an escaped "\": a UNC path written \\server\share arrives as \server\share.
    if (/^\\[^\\]/.test(value)) {
      throw usage(`settings file ${file}: ${key} = ${value} looks like a UNC path that lost a backslash; write \\\\\\\\server\\share or //server/share.`);
    }
  }
  const settings: ServerSettings = { file };
  if (merged.database !== undefined) settings.database = merged.database;
  if (merged.backupdir !== undefined) settings.backupDir = merged.backupdir;
  if (merged.log !== undefined) settings.log = merged.log;
  return settings;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { exitCodeRows, usage, type CommandName } from './errors.js';
import type { Format } from './output.js';
import type { ServerSettings } from '../settings/index.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command's arguments ask for its help (--help or -h); main prints it, and kmsdb exits 0. */
export class HelpRequested extends Error {
  constructor(
    readonly command: CommandName,
    /** The options the command takes, as its option table names them. */
    readonly options: readonly string[],
  ) {
    super(`kmsdb ${command} --help`);
    this.name = 'HelpRequested';
  }
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's options strictly; every mistake becomes a usage error (exit 2).
 * --help or -h among arguments that parse throws HelpRequested instead.
 */
export function parseCommandArgs<T extends Options>(command: CommandName, argv: string[], options: T) {
  const values = parseStrict(command, argv, options);
  for (const [name, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && v.includes('\0')) throw usage(`${command}: --${name} holds a NUL character, which no path or name can.`);
    }
  }
  return values;
}

function parseStrict<T extends Options>(command: CommandName, argv: string[], options: T) {
  // The help option is every command's, so it is not in their tables, nor in what they get back.
  const values = parseOrExplain(command, argv, { ...options, ...HELP_OPTION } as T);
  const { help, ...rest } = values as Record<string, unknown>;
  if (help === true) throw new HelpRequested(command, Object.keys(options));
  return rest as typeof values;
}

function parseOrExplain<T extends Options>(command: CommandName, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // parseArgs explains an option value that starts with '-' over three lines: say it in one.
    const ambiguous = /^Option '(--[^ ']+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous)
      throw usage(
        `${command}: ${ambiguous[1]} takes a value, and the next argument starts with '-'; write ${ambiguous[1]}=VALUE to give such a value.`,
      );
    const first = (message.split('\n')[0] ?? '').replace(/\. To specify a positional argument.*$/s, '');
    throw usage(`${command}: ${first.replace(/\.$/, '')}. See 'kmsdb --help'.`);
  }
}

/**
 * The settings for this server; a settings file that cannot be used is a usage error (exit 2).
 * The settings code (the ini reader and the schema validators) is loaded only when settings are read.
 */
export async function settingsFor(config: string | undefined): Promise<ServerSettings | null> {
  const { loadSettings, SettingsError } = await import('../settings/index.js');
  try {
    return loadSettings(config);
  } catch (err) {
    if (err instanceof SettingsError) throw usage(err.message);
    throw err;
  }
}

export function requirePath(command: string, path: string | undefined): string {
  if (path === undefined || path.trim() === '')
    throw usage(`${command}: --path is required (or a database in the settings file). See 'kmsdb --help'.`, 'database-not-given');
  return path;
}

export function parseFormat(command: string, value: string | undefined): Format {
  if (value === undefined) return 'json';
  if (value === 'json' || value === 'ndjson') return value;
  throw usage(`${command}: --format must be json or ndjson, not '${value}'.`);
}

const SETTINGS_HELP = `  --config     The settings file (default: $KMSDB_CONFIG, else
               /etc/kmsdb/kmsdb.ini or %ProgramData%\\KmsEnrollment\\kmsdb.ini).
               Its [defaults] and this server's section give --path
               (database), --backup-dir (backupDir) and --log (log) when
               they are not on the command line.
`;

const CHANGE_HELP = `  --what-if    Report what would change; write nothing.
  --backup-dir Where backups go (default: DIR.kmsdb-backup beside DIR).
  --log        The audit log (default: kmsdb-audit.log in the backup folder).
               Neither it nor --backup-dir may lie in the database folder.
  --wait       Seconds to wait for another run's lock (default 30).
  --format     json (default): one document; ndjson: one result per line.
  --progress   Progress as JSON lines on stderr.
${SETTINGS_HELP}`;

/** Each command's usage lines and options: what `kmsdb COMMAND --help` prints, and `kmsdb --help` gathers. */
const COMMAND_HELP: Record<CommandName, { usage: string; options: string }> = {
  get: {
    usage: `  kmsdb get     [--path DIR|FILE]... [--mailbox PATTERN]... [--affected]
                [--format json|ndjson] [--progress] [--threads N] [--config FILE]
`,
    options: `get       Reads every *.ini record directly inside DIR (or the one FILE)
          and prints it as JSON (as a table at a terminal).
  --path       The Security\\Mgrent\\Clients folder, or one record file.
               Repeat it to read several.
  --mailbox    A mailbox to find: the whole value of a key that names the
               user (DN, Alias, DisplayName...), or the last cn= of a DN.
               '*' and '?' are wildcards; case-insensitive.
               Repeat it to find several.
  --affected   Only records stuck by Q198709: State = 4 and no NumSCerts.
  --format     json: one document; ndjson: one record per line. Without
               --format: a table and a count at a terminal, json elsewhere.
  --progress   Progress as JSON lines on stderr.
  --threads    How many threads read a large folder (default: one per
               core, up to 4); 1 reads one file after another.
${SETTINGS_HELP}`,
  },
  reset: {
    usage: `  kmsdb reset   [--path DIR] (--id ID... | --mailbox PATTERN... | --stdin)
                [--allow-numscerts] [--allow-ambiguous] [--what-if] [--backup-dir DIR] [--log FILE]
                [--wait SECONDS] [--format json|ndjson] [--progress] [--config FILE]
`,
    options: `reset     Changes State = 4 to State = 1 in the named records, byte-exact:
          one lock per database, a backup before every change, one audit
          log line per change, and the one changed byte written in place,
          so each record stays the same file.
  --path       The database folder (the Security\\Mgrent\\Clients folder).
  --id         A record's file name without .ini. Repeatable.
  --mailbox    Records whose mailbox matches, as for get. Repeatable.
  --stdin      The records kmsdb get printed (JSON or NDJSON); only "path"
               is needed, and a record whose "sha256" no longer matches is
               refused. The whole KB procedure is:
                 kmsdb get --path D --affected --format ndjson |
                   kmsdb reset --path D --stdin
  --allow-numscerts
               Also reset State 4 records that have NumSCerts: users who
               have enrolled. Only when the KMS administrator knows their
               certificates must be given up. Nothing else that is refused.
  --allow-ambiguous
               Also reset records whose State or NumSCerts is in more than
               one section (the first State is changed). Nothing else.
${CHANGE_HELP}`,
  },
  restore: {
    usage: `  kmsdb restore [--path DIR] (--backup FILE... | --from-log FILE [--id ID]... | --stdin)
                [--force] [--what-if] [--backup-dir DIR] [--log FILE]
                [--wait SECONDS] [--format json|ndjson] [--progress] [--config FILE]
`,
    options: `restore   Puts records back from kmsdb backups, with the same safety. Only a
          backup in the backup folder, named for the record, whose bytes hash
          to what the audit log says was backed up, is put back, and only
          over a record still as the logged change left it.
  --path       The database folder (the Security\\Mgrent\\Clients folder).
  --backup     A backup file (NAME.ini.TIMESTAMP.bak). Repeatable.
  --from-log   Undo the resets an audit log records (the latest per record);
               a record changed since is skipped unless --force.
  --id         With --from-log: only these records.
  --stdin      Undo what kmsdb reset printed (either format), or the
               audit-log lines given, chosen as --from-log chooses.
  --force      Restore over a record changed since its reset; it overrides
               no other check.
${CHANGE_HELP}`,
  },
};

/** Words wrapped to `width` columns, the first line after `first`, the others indented by `indent` spaces. */
function wrap(text: string, first: string, indent: number, width = 78): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/)) {
    const next = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
    if (next.length > width && line.trim() !== '') {
      lines.push(line);
      line = `${' '.repeat(indent)}${word}`;
    } else line = next;
  }
  return `${[...lines, line].join('\n')}\n`;
}

function exitCodesHelp(command?: CommandName): string {
  return `Exit codes:\n${exitCodeRows(command)
    .map((row) => wrap(row.meaning, `  ${String(row.code).padEnd(3)}`, 6))
    .join('')}`;
}

/** `kmsdb --help`, or with a command, `kmsdb COMMAND --help`. */
export function helpText(command?: CommandName): string {
  if (command !== undefined) {
    const { usage, options } = COMMAND_HELP[command];
    return `Usage:\n${usage}\n${options}\n${exitCodesHelp(command)}`;
  }
  const commands = Object.values(COMMAND_HELP);
  return `kmsdb - find and fix Exchange 5.0 KMS client records stuck by KB Q198709

Usage:
${commands.map((c) => c.usage).join('')}  kmsdb --request -     (the same commands as one JSON object on stdin)
  kmsdb help [COMMAND] | COMMAND --help | --version | --help

${commands.map((c) => c.options).join('\n')}
${exitCodesHelp()}`;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usage } from './errors.js';
import type { Format } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's options strictly; every mistake becomes a usage error (exit 2). */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err);
    throw usage(`${command}: ${message.replace(/\.$/, '')}. See 'kmsdb --help'.`);
  }
}

export function requirePath(command: string, path: string | undefined): string {
  if (path === undefined || path.trim() === '') throw usage(`${command}: --path is required. See 'kmsdb --help'.`);
  return path;
}

export function parseFormat(command: string, value: string | undefined): Format {
  if (value === undefined) return 'json';
  if (value === 'json' || value === 'ndjson') return value;
  throw usage(`${command}: --format must be json or ndjson, not '${value}'.`);
}

export const HELP = `kmsdb - find and fix Exchange 5.0 KMS client records stuck by KB Q198709

Usage:
  kmsdb get   --path DIR|FILE [--mailbox PATTERN]... [--affected]
              [--format json|ndjson] [--progress]
  kmsdb --version
  kmsdb --help

get        Reads every *.ini record directly inside DIR (or the one FILE)
           and prints it as JSON.
  --path       The Security\\Mgrent\\Clients folder, or one record file.
  --mailbox    A mailbox to find: a whole value in the record, or the last
               cn= of a DN. '*' and '?' are wildcards; case-insensitive.
               Repeat it to find several.
  --affected   Only records stuck by Q198709: State = 4 and no NumSCerts.
  --format     json (default): one document; ndjson: one record per line.
  --progress   Progress as JSON lines on stderr.

Exit codes: 0 success, 2 bad usage, 3 database missing or unreadable.
`;

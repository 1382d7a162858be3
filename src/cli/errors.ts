import { DatabaseAccessError } from '../scan/listing.js';

/** The process exit codes. EXIT_CODES says what each means; every document that lists them is tested against it. */
export const EXIT = {
  OK: 0,
  /** `reset`, `restore`: at least one record was skipped or failed. */
  REFUSED: 1,
  USAGE: 2,
  DATABASE: 3,
  /** Another run holds the database lock. */
  LOCKED: 4,
  INTERNAL: 70,
  /** Standard output could not be written (not a reader that went away, which ends the output quietly). */
  OUTPUT: 74,
} as const;

export type CommandName = 'get' | 'reset' | 'restore';

export const COMMAND_NAMES: readonly CommandName[] = ['get', 'reset', 'restore'];

interface ExitCodeDoc {
  /** What the code means, whatever the command. */
  meaning: string;
  /** What it means for each command that can exit with it; a command not listed never does. */
  commands: Partial<Record<CommandName, string>>;
}

const BAD_INPUT = 'Bad usage or bad input: an unknown or missing option or value, or a request, settings file';
const OUTPUT = 'The output could not be written (a full disk, say); a reader that goes away early ends the output quietly instead.';
const INTERNAL = 'A bug in kmsdb; please report it. KMSDB_DEBUG=1 shows the details.';

/**
 * The one table of exit codes. docs/cli.md, `kmsdb --help`, each command's
 * help and about_KmsEnrollment are checked against it by test/e2e/exit-codes.test.ts.
 */
export const EXIT_CODES: Record<keyof typeof EXIT, ExitCodeDoc> = {
  OK: {
    meaning: 'Success. Finding nothing is success too.',
    commands: {
      get: 'Success: the records were printed. Finding none is success too; a --mailbox pattern that matches no record at all (a typo) is named on stderr.',
      reset: 'Every record was reset, was already State 1 (unchanged), or with --what-if would be reset.',
      restore: 'Every record was restored, already held the backup (unchanged), or with --what-if would be restored.',
    },
  },
  REFUSED: {
    meaning: 'reset, restore: some record was skipped or failed (its result says why); the others were done.',
    commands: {
      reset: 'Some record was skipped or failed; its result says why. The others were reset.',
      restore: 'Some record was skipped or failed; its result says why. The others were restored.',
    },
  },
  USAGE: {
    meaning: `${BAD_INPUT}, audit log or backup that kmsdb cannot use. Nothing was changed.`,
    commands: {
      get: `${BAD_INPUT} or --path that kmsdb cannot use.`,
      reset: `${BAD_INPUT} or list of records on stdin that kmsdb cannot use. Nothing was changed.`,
      restore: `${BAD_INPUT}, audit log or backup that kmsdb cannot use. Nothing was changed.`,
    },
  },
  DATABASE: {
    meaning: 'The database folder (for get, a --path) is missing or cannot be read or locked. Nothing was changed.',
    commands: {
      get: 'A --path (or the database in the settings file) is missing or cannot be read.',
      reset: 'The database folder is missing or cannot be read or locked, or the audit log cannot be checked. Nothing was changed.',
      restore: 'The database folder is missing or cannot be read or locked, or the audit log cannot be checked. Nothing was changed.',
    },
  },
  LOCKED: {
    meaning: 'reset, restore: another run held the database lock for longer than --wait. Nothing was changed.',
    commands: {
      reset: 'Another run held the database lock for longer than --wait. Nothing was changed.',
      restore: 'Another run held the database lock for longer than --wait. Nothing was changed.',
    },
  },
  INTERNAL: {
    meaning: INTERNAL,
    commands: { get: INTERNAL, reset: INTERNAL, restore: INTERNAL },
  },
  OUTPUT: {
    meaning: `${OUTPUT} For reset and restore, the audit log says which records were changed.`,
    commands: {
      get: OUTPUT,
      reset: `${OUTPUT} The audit log says which records were changed.`,
      restore: `${OUTPUT} The audit log says which records were changed.`,
    },
  },
};

export interface ExitCodeRow {
  code: number;
  name: keyof typeof EXIT;
  meaning: string;
}

/** The exit codes in order: all of them, or those one command can give, with what they mean for it. */
export function exitCodeRows(command?: CommandName): ExitCodeRow[] {
  const rows: ExitCodeRow[] = [];
  for (const name of Object.keys(EXIT) as (keyof typeof EXIT)[]) {
    const doc = EXIT_CODES[name];
    const meaning = command === undefined ? doc.meaning : doc.commands[command];
    if (meaning !== undefined) rows.push({ code: EXIT[name], name, meaning });
  }
  return rows.sort((a, b) => a.code - b.code);
}

/** For a requester, which failure of its exit code this is, where it tells several apart (the module's ErrorIds). */
export type ExitReason = 'audit-log-invalid' | 'database-not-found' | 'database-not-given';

/** Thrown by commands; the entry point prints the message and maps it to the exit code. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: ExitReason,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export function usage(message: string, reason?: ExitError['reason']): ExitError {
  return new ExitError(EXIT.USAGE, message, reason);
}

/**
 * The exit code and message of an error that a command let through: its own
 * ExitError, or an error of the core that means the same in every command.
 * Anything else is a bug in kmsdb (exit 70).
 */
export function exitErrorOf(err: unknown): ExitError | null {
  if (err instanceof ExitError) return err;
  if (err instanceof DatabaseAccessError) return new ExitError(EXIT.DATABASE, err.message, err.notFound ? 'database-not-found' : undefined);
  return null;
}

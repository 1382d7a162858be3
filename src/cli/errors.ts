import { DatabaseAccessError } from '../scan/listing.js';

/** The process exit codes, as documented in the README. */
export const EXIT = {
  OK: 0,
  /** `reset`: at least one record was skipped or failed. */
  REFUSED: 1,
  USAGE: 2,
  DATABASE: 3,
  /** Another run holds the database lock. */
  LOCKED: 4,
  INTERNAL: 70,
} as const;

/** Thrown by commands; the entry point prints the message and maps it to the exit code. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export function usage(message: string): ExitError {
  return new ExitError(EXIT.USAGE, message);
}

/**
 * The exit code and message of an error that a command let through: its own
 * ExitError, or an error of the core that means the same in every command.
 * Anything else is a bug in kmsdb (exit 70).
 */
export function exitErrorOf(err: unknown): ExitError | null {
  if (err instanceof ExitError) return err;
  if (err instanceof DatabaseAccessError) return new ExitError(EXIT.DATABASE, err.message);
  return null;
}

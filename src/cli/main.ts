import { HELP } from './args.js';
import { EXIT, ExitError } from './errors.js';
import { runReset, runRestore } from './change.js';
import { runGet } from './get.js';
import type { Io } from './io.js';
import { fromRequest } from './request.js';
import { trace } from '../trace.js';

declare const KMSDB_VERSION: string;

/** Runs one kmsdb command and returns its exit code; commands throw ExitError for failures. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--request') {
    if (rest.length !== 1 || rest[0] !== '-') throw new ExitError(EXIT.USAGE, "--request takes '-' (the request is read from stdin) and nothing else.");
    const request = await fromRequest(io);
    return main(request.argv, request.io);
  }
  // Tests count process starts through this (for example, that the PowerShell
  // module starts one process per batch, not per record), with the command each ran.
  trace({ argv });
  switch (command) {
    case 'get':
      return runGet(rest, io);
    case 'reset':
      return runReset(rest, io);
    case 'restore':
      return runRestore(rest, io);
    case '--version':
    case '-v':
      io.stdout.write(`${typeof KMSDB_VERSION === 'string' ? KMSDB_VERSION : 'dev'}\n`);
      return EXIT.OK;
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(HELP);
      return EXIT.OK;
    case undefined:
      io.stderr.write(HELP);
      return EXIT.USAGE;
    default:
      throw new ExitError(EXIT.USAGE, `Unknown command '${command}'. See 'kmsdb --help'.`);
  }
}


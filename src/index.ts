import { EXIT, ExitError } from './cli/errors.js';
import { main } from './cli/main.js';

// The one place that decides the exit code. It never calls process.exit(),
// which would cut off output still draining into a pipe.
main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ExitError) {
      process.stderr.write(`kmsdb: ${err.message}\n`);
      process.exitCode = err.code;
      return;
    }
    // Never show users a stack trace; KMSDB_DEBUG=1 shows it to developers.
    const detail = process.env.KMSDB_DEBUG ? (err instanceof Error ? err.stack : String(err)) : err instanceof Error ? err.message : String(err);
    process.stderr.write(`kmsdb: internal error: ${detail}\n`);
    process.exitCode = EXIT.INTERNAL;
  },
);

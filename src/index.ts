import { EXIT, exitErrorOf } from './cli/errors.js';
import { main } from './cli/main.js';
import { trace } from './trace.js';

const argv = process.argv.slice(2);

// The one place that decides the exit code. It never calls process.exit(),
// which would cut off output still draining into a pipe.
function finish(code: number, reason?: string): void {
  process.exitCode = code;
  trace({ exit: code });
  // In request mode (the PowerShell module's), the last stderr line says which exit code kmsdb
  // itself chose, so that a crash, a kill or a failed start can never pass for one of them.
  // A requester may keep stdin open for a conversation; a run that has ended stops reading it, so
  // that the process can exit (a failure before the plan, say, would otherwise wait for it forever).
  if (argv[0] === '--request') process.stdin.destroy();
  if (argv[0] === '--request')
    process.stderr.write(`${JSON.stringify(reason ? { type: 'exit', code, reason } : { type: 'exit', code })}\n`);
}

main(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(finish, (err: unknown) => {
  const exit = exitErrorOf(err);
  if (exit) {
    process.stderr.write(`kmsdb: ${exit.message}\n`);
    finish(exit.code, exit.reason);
    return;
  }
  // Never show users a stack trace; KMSDB_DEBUG=1 shows it to developers.
  const detail = process.env.KMSDB_DEBUG
    ? err instanceof Error
      ? err.stack
      : String(err)
    : err instanceof Error
      ? err.message
      : String(err);
  process.stderr.write(`kmsdb: internal error: ${detail}\n`);
  finish(EXIT.INTERNAL);
});

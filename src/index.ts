import { EXIT, exitErrorOf } from './cli/errors.js';
import { main } from './cli/main.js';
import { printable } from './cli/terminal.js';
import { trace } from './trace.js';

const argv = process.argv.slice(2);

// A stderr that cannot be written (a full disk, a reader gone) must not end the run with
// Node's exit 1 in the middle of a change, holding the lock: the message is lost, and the
// exit code, which is what scripts read, still says what happened.
process.stderr.on('error', () => {});

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

// Node makes each standard stream when it is first asked for (stdin, a pipe or
// a file, loads the stream and file-stream modules): only a command that reads
// or writes one pays for it, and `--version` never makes stdin.
const io = {
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
};

main(argv, io).then(finish, (err: unknown) => {
  const exit = exitErrorOf(err);
  if (exit) {
    process.stderr.write(`kmsdb: ${printable(exit.message)}\n`);
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
  // One line for users; the stack of KMSDB_DEBUG keeps its lines, each made printable.
  process.stderr.write(`kmsdb: internal error: ${(detail ?? '').split('\n').map(printable).join('\n')}\n`);
  finish(EXIT.INTERNAL);
});

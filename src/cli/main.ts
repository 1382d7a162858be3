import { COMMAND_NAMES, EXIT, ExitError, usage, type CommandName } from './errors.js';
import type { Io } from './io.js';
import { TextSink } from './output.js';
import { trace } from '../trace.js';
import { loneSurrogate } from '../contract/index.js';

declare const KMSDB_VERSION: string;

// Each command's code is loaded when it runs, not at start-up: every scheduled
// task and remote batch starts kmsdb, and `--version` or `get` should not pay
// for evaluating what reset, restore and the validators need
// (npm run bench -- --only startup).
const COMMANDS: Record<CommandName, (argv: string[], io: Io) => Promise<number>> = {
  get: async (argv, io) => (await import('./get.js')).runGet(argv, io),
  reset: async (argv, io) => (await import('./change.js')).runReset(argv, io),
  restore: async (argv, io) => (await import('./change.js')).runRestore(argv, io),
};

const help = async (command?: CommandName): Promise<string> => (await import('./args.js')).helpText(command);

const isCommand = (name: string | undefined): name is CommandName => COMMAND_NAMES.includes(name as CommandName);

/** Help and the version go through the same sink as records, so that a failed write reaches the one exit too. */
async function print(io: Io, text: string): Promise<number> {
  const sink = new TextSink(io.stdout);
  await sink.write(text);
  await sink.end();
  return EXIT.OK;
}

/** `kmsdb help [COMMAND]`, as git and npm have it. */
async function helpCommand(rest: string[]): Promise<string> {
  const [name, ...extra] = rest;
  if (name === undefined) return help();
  if (!isCommand(name) || extra.length > 0)
    throw usage(`help: there is no command '${rest.join(' ')}'; the commands are ${COMMAND_NAMES.join(', ')}. See 'kmsdb --help'.`);
  return help(name);
}

/** Runs one kmsdb command and returns its exit code; commands throw ExitError for failures. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  // A Windows command line or a JSON request can carry one; the file system would read it as another name.
  const lone = loneSurrogate(argv);
  if (lone) throw usage(`an argument holds a lone surrogate (${lone}), which no file name can hold; nothing was done.`);
  if (command === '--request') {
    if (rest.length !== 1 || rest[0] !== '-')
      throw new ExitError(EXIT.USAGE, "--request takes '-' (the request is read from stdin) and nothing else.");
    const { fromRequest } = await import('./request.js');
    const request = await fromRequest(io);
    return main(request.argv, request.io);
  }
  // Tests count process starts through this (for example, that the PowerShell
  // module starts one process per batch, not per record), with the command each ran.
  trace({ argv });
  if (isCommand(command)) {
    try {
      return await COMMANDS[command](rest, io);
    } catch (err) {
      const { HelpRequested } = await import('./args.js');
      if (err instanceof HelpRequested) return print(io, await help(err.command));
      throw err;
    }
  }
  switch (command) {
    case '--version':
    case '-v':
      return print(io, `${typeof KMSDB_VERSION === 'string' ? KMSDB_VERSION : 'dev'}\n`);
    case '--help':
    case '-h':
      return print(io, await help());
    case 'help':
      return print(io, await helpCommand(rest));
    case undefined:
      io.stderr.write(await help());
      return EXIT.USAGE;
    default:
      throw new ExitError(EXIT.USAGE, `Unknown command '${command}'. See 'kmsdb --help'.`);
  }
}

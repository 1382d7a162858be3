import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { helpText, HelpRequested } from '../../src/cli/args.js';
import { runReset, runRestore } from '../../src/cli/change.js';
import { COMMAND_NAMES, type CommandName } from '../../src/cli/errors.js';
import { runGet } from '../../src/cli/get.js';

const RUN = { get: runGet, reset: runReset, restore: runRestore };

/** The options a command's parser knows, as the help request it throws reports them. */
async function optionTable(command: CommandName): Promise<string[]> {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const err = await RUN[command](['--help'], io).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelpRequested);
  return [...(err as HelpRequested).options].sort();
}

describe("each command's help", () => {
  it.each(COMMAND_NAMES)('describes exactly the options %s takes', async (command) => {
    // An option's entry starts two spaces in; its text is indented further.
    const described = [...helpText(command).matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    expect([...new Set(described)].sort()).toEqual(await optionTable(command));
  });

  it.each(COMMAND_NAMES)('names in its usage lines only the options %s takes', async (command) => {
    const usage = helpText(command).split('\n\n')[0] ?? '';
    const named = new Set([...usage.matchAll(/--([a-z-]+)/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual(await optionTable(command));
  });
});

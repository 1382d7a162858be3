import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/cli/errors.js';
import { makeDb, runKmsdb } from '../helpers/db.js';

const STUCK = '[Client]\r\nAlias = jdoe\r\nState = 4\r\n';

describe('kmsdb COMMAND --help, -h and kmsdb help COMMAND', () => {
  it.each(COMMAND_NAMES)('print the help of %s alone, on stdout, and exit 0', async (command) => {
    const forms = [await runKmsdb([command, '--help']), await runKmsdb([command, '-h']), await runKmsdb(['help', command])];
    for (const r of forms) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(forms[0]?.stdout);
    }
    const help = forms[0]?.stdout ?? '';
    expect(help).toMatch(new RegExp(`^Usage:\\n  kmsdb ${command} `));
    for (const other of COMMAND_NAMES.filter((c) => c !== command)) expect(help).not.toMatch(new RegExp(`^ {2}kmsdb ${other} `, 'm'));
    expect(help).toMatch(/\nExit codes:\n {2}0 {3}/);
  });

  it('asks for help among other options, before anything is read or written', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await runKmsdb(['reset', '--path', dir, '--stdin', '--help'], { stdin: 'not JSON' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}kmsdb reset /);
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });

  it('help with no command is kmsdb --help', async () => {
    const help = await runKmsdb(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await runKmsdb(['--help'])).stdout);
    for (const command of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`\\n {2}kmsdb ${command} `));
  });

  it.each([
    [['help', 'nosuch'], /^kmsdb: help: there is no command 'nosuch'; the commands are get, reset, restore\. See 'kmsdb --help'\.\n$/],
    [['help', 'get', 'reset'], /^kmsdb: help: there is no command 'get reset'/],
    [['reset', '--frobnicate', '--help'], /^kmsdb: reset: Unknown option '--frobnicate'/],
  ])('%j is a usage error (exit 2), in one line', async (args, message) => {
    const r = await runKmsdb(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

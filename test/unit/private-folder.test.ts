// On Windows a folder that kmsdb makes for backups or the log gets a DACL of
// its own through icacls.exe; Node has no ACL API. Here the Windows branch runs
// on Linux against stand-ins for icacls, to show that its exit code is checked
// and that a folder which could not be made private is taken away again.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePrivateFolder, PrivateFolderError } from '../../src/safety/private-folder.js';
import { tempDir } from '../helpers/db.js';

const realPlatform = process.platform;
const realSystemRoot = process.env.SystemRoot;

/** A SystemRoot whose System32\icacls.exe is a script that records its arguments and exits with `code`. */
function fakeSystemRoot(code: number): { root: string; args: string } {
  const root = tempDir('kmsdb-sysroot-');
  const args = join(root, 'args.txt');
  mkdirSync(join(root, 'System32'));
  const icacls = join(root, 'System32', 'icacls.exe');
  writeFileSync(icacls, `#!/bin/sh\nprintf '%s\\n' "$@" > '${args}'\nexit ${code}\n`);
  chmodSync(icacls, 0o755);
  return { root, args };
}

describe.skipIf(realPlatform === 'win32')('a private folder on Windows (the Windows branch, run on Linux)', () => {
  beforeEach(() => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
  });
  afterEach(() => {
    Object.defineProperty(process, 'platform', { value: realPlatform });
    if (realSystemRoot === undefined) delete process.env.SystemRoot;
    else process.env.SystemRoot = realSystemRoot;
  });

  it('grants Administrators, SYSTEM and the owner, and removes what the folder inherits', () => {
    const sys = fakeSystemRoot(0);
    process.env.SystemRoot = sys.root;
    const dir = join(tempDir(), 'backups', 'db');
    makePrivateFolder(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readFileSync(sys.args, 'utf8').split('\n').filter(Boolean)).toEqual([
      join(dir, '..'),
      '/inheritance:r',
      '/grant:r',
      '*S-1-5-32-544:(OI)(CI)F',
      '*S-1-5-18:(OI)(CI)F',
      '*S-1-3-4:(OI)(CI)F',
    ]);
  });

  it('an icacls that fails: the folder is taken away and the error says why', () => {
    process.env.SystemRoot = fakeSystemRoot(5).root;
    const dir = join(tempDir(), 'backups');
    expect(() => makePrivateFolder(dir)).toThrow(PrivateFolderError);
    expect(() => makePrivateFolder(dir)).toThrow(/icacls exited with 5/);
    expect(existsSync(dir)).toBe(false);
  });

  it('no icacls at all: the same', () => {
    process.env.SystemRoot = join(tempDir(), 'nowhere');
    const dir = join(tempDir(), 'backups');
    expect(() => makePrivateFolder(dir)).toThrow(/could not be limited to its owner and the administrators/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a folder that exists is left as it is: icacls does not run', () => {
    const sys = fakeSystemRoot(5);
    process.env.SystemRoot = sys.root;
    const dir = tempDir();
    makePrivateFolder(dir);
    expect(existsSync(sys.args)).toBe(false);
  });
});

// Every failure keeps the exit-code table: a stderr on a full disk, standard
// streams whose reader is gone, and text planted in files each still end with
// the documented code, release the lock, and print at most one printable line.
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/errors.js';
import { KMSDB, makeDb, tempDir } from '../helpers/db.js';

const STUCK = (who: string) => `[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=${who}\r\nState = 4\r\n`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs kmsdb with stdout and stderr each captured, sent to /dev/full, or a
 * pipe whose reader is gone before kmsdb writes ('dead').
 */
function run(args: string[], streams: { stdout?: 'pipe' | 'full' | 'dead'; stderr?: 'pipe' | 'full' | 'dead' } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const full = openSync('/dev/full', 'w');
    const kind = (s: 'pipe' | 'full' | 'dead' | undefined) => (s === 'full' ? full : 'pipe');
    const stdio: StdioOptions = ['ignore', kind(streams.stdout), kind(streams.stderr)];
    const child = spawn(cmd, [...pre, ...args], { stdio, env: { ...process.env, KMSDB_CONFIG: '' } });
    closeSync(full);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    if (streams.stdout === 'dead') child.stdout?.destroy();
    else child.stdout?.on('data', (b: Buffer) => out.push(b));
    if (streams.stderr === 'dead') child.stderr?.destroy();
    else child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

describe('a stderr that cannot be written changes no exit code', () => {
  it('get on a missing --path exits 3 with stderr on a full disk', async () => {
    const r = await run(['get', '--path', join(tempDir(), 'missing')], { stderr: 'full' });
    expect(r.code).toBe(EXIT.DATABASE);
  });

  it('reset --progress exits 0 with stderr on a full disk, resets the record and releases the lock', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const r = await run(['reset', '--path', dir, '--id', 'Ma', '--progress'], { stderr: 'full' });
    expect(r.code).toBe(EXIT.OK);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toContain('State = 1');
    expect(existsSync(join(dir, '.kmsdb.lock'))).toBe(false);
  });

  it.each([
    ['reset', EXIT.OK],
    ['restore', EXIT.USAGE],
  ])('%s with stdout and stderr both gone exits with its own code and releases the lock', async (command, code) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const args = command === 'reset' ? ['--id', 'Ma'] : ['--backup', join(tempDir(), 'not-a-backup')];
    const r = await run([command, '--path', dir, ...args, '--progress'], { stdout: 'dead', stderr: 'dead' });
    expect(r.code).toBe(code);
    expect(existsSync(join(dir, '.kmsdb.lock'))).toBe(false);
  });

  it('get --threads 16 on a full disk says so in one line, with no warning of Node', async () => {
    const dir = makeDb(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`M${i}.ini`, STUCK(`u${i}`)])));
    const r = await run(['get', '--path', dir, '--threads', '16'], { stdout: 'full' });
    expect(r.code).toBe(EXIT.OUTPUT);
    expect(r.stderr).toMatch(/^kmsdb: the output cannot be written: [^\n]*\n$/);
  });
});

describe('text from files reaches the terminal printable', () => {
  it("a planted lock's fields cannot forge a line or send a terminal escape", async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const forged = 'now\nkmsdb: all records were reset\u001b[2J\u009b31m\u2028';
    writeFileSync(join(dir, '.kmsdb.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', started: forged, command: 'reset\r' }));
    const r = await run(['reset', '--path', dir, '--id', 'Ma', '--wait', '0']);
    expect(r.code).toBe(EXIT.LOCKED);
    expect(r.stderr).toMatch(
      /^kmsdb: The database is locked by kmsdb reset\\u000D \(pid 1 on elsewhere, since now\\u000Akmsdb: all[^\n]*\n$/,
    );
    expect(r.stderr).toContain('\\u001B[2J\\u009B31m\\u2028');
    for (const raw of ['\u001b', '\u009b', '\u2028', '\r']) expect(r.stderr).not.toContain(raw);
  });
});

describe('messages name where a setting came from', () => {
  it('a default backup folder that leads into the database is named as the default, not as a setting', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a'), 'sub/': '' });
    symlinkSync(join(dir, 'sub'), join(dirname(dir), `${basename(dir)}.kmsdb-backup`));
    const r = await run(['reset', '--path', dir, '--id', 'Ma']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/^kmsdb: reset: the default backup folder must not be the database folder nor be inside it, and /);
    expect(r.stderr).not.toContain('settings file');
  });
});

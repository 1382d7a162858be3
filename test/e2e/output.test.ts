import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KMSDB, makeDb } from '../helpers/db.js';

const STUCK = '[Client]\r\nAlias = jdoe\r\nState = 4\r\n';

/** Runs kmsdb with its stdout on /dev/full, where every write fails with ENOSPC (a full disk). */
function runIntoFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output that cannot be written reaches the one exit', () => {
  const ONE_LINE = /^kmsdb: the output cannot be written: ENOSPC: no space left on device, write\.\n$/;

  it.each([
    ['get', ['get', '--format', 'ndjson']],
    ['get, one JSON document', ['get']],
    ['--help', ['--help']],
    ['reset --help', ['reset', '--help']],
  ])('%s: exit 74 and one line, no stack', async (_, args) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await runIntoFullDisk(args[0] === 'get' ? [...args, '--path', dir] : args);
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.code).toBe(74);
  });

  // However long the records take to find: 2,000 others make the selection outlast the output's flush interval.
  it.each([
    ['one record', {}],
    [
      'one record among 2,000',
      Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`Mo${i}.ini`, `[Client]\r\nAlias = other${i}\r\nState = 1\r\n`])),
    ],
  ])('reset of %s: the record is reset and logged, then exit 74 says its result was lost', async (_, others) => {
    const dir = makeDb({ 'Ma.ini': STUCK, ...others });
    const r = await runIntoFullDisk(['reset', '--path', dir, '--mailbox', 'jdoe']);
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.code).toBe(74);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK.replace('State = 4', 'State = 1'));
    const log = readFileSync(join(dirname(dir), `${basename(dir)}.kmsdb-backup`, 'kmsdb-audit.log'), 'utf8');
    expect(
      log
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event),
    ).toEqual(['reset']);
  });
});

// Patterns, odd files, leftovers and malformed input: each is refused or
// reported in one line, fast and in flat memory, never an internal error.
import { spawn, execFileSync } from 'node:child_process';
import {
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import type { KmsRecord } from '../../src/records/record.js';
import { expectValid } from '../helpers/contract.js';
import { KMSDB, makeDb, ndjson, runKmsdb, tempDir, utf16 } from '../helpers/db.js';
import { cannotRun } from '../helpers/tools.js';

const STUCK = (who: string) => `[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=${who}\r\nState = 4\r\n`;
const backupDirOf = (dir: string) => join(dirname(dir), `${basename(dir)}.kmsdb-backup`);

/** Runs kmsdb, killing it after `ms`; code null means it was still running. Reports its peak RSS in KiB. */
function runWithin(
  ms: number,
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string; peakKiB: number }> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn('/usr/bin/time', ['-f', 'PEAK %M', cmd, ...pre, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      const peak = /PEAK (\d+)\s*$/.exec(stderr);
      resolvePromise({
        code: killed ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: stderr.replace(/(Command exited with non-zero status \d+\n)?PEAK \d+\s*$/, ''),
        peakKiB: peak ? Number(peak[1]) : 0,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}

describe('mailbox wildcards run in linear time', () => {
  const long = 'a'.repeat(20_000);
  const db = () =>
    makeDb({
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`M${i}.ini`, STUCK(`user${i}`)])),
      'Mlong.ini': `[Client]\r\nState = 4\r\nAlias = ${long}\r\n`,
    });

  it.each([
    ['eight stars and a letter', '********a', ['Mlong']],
    ['eight stars and a digit', '********3', ['M3']],
    ['58 stars and a letter', `${'*'.repeat(58)}a`, ['Mlong']],
    ['an empty $x between stars', '**', ['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'Mlong']],
    ['stars around many letters that never end the value', `${'*a'.repeat(30)}*b`, []],
    ['question marks and stars', `${'?*'.repeat(25)}z`, []],
  ])('get --mailbox with %s answers within seconds', async (_name, pattern, ids) => {
    const dir = db();
    const r = await runWithin(10_000, ['get', '--path', dir, '--mailbox', pattern, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(ndjson<KmsRecord>(r.stdout).map((x) => x.id)).toEqual(ids);
  });

  it('reset --mailbox with a hostile pattern neither hangs nor holds the lock', async () => {
    const dir = db();
    const pattern = `${'*a'.repeat(30)}*b`;
    const r = await runWithin(10_000, ['reset', '--path', dir, '--mailbox', pattern, '--format', 'ndjson']);
    // It matches no record, which is a refusal of its own (not-found), not a silent success.
    expect(r.code).toBe(1);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.status, x.code, x.mailbox])).toEqual([['skipped', 'not-found', pattern]]);
    expect(existsSync(join(dir, '.kmsdb.lock'))).toBe(false);
  });
});

describe('a huge file is one bad record, not a dead scan', () => {
  it('a 1 GB sparse record is listed with a too-large warning, the others as usual, in flat memory', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a'), 'Mz.ini': STUCK('z') });
    const fd = openSync(join(dir, 'Mbig.ini'), 'w');
    ftruncateSync(fd, 1024 ** 3);
    closeSync(fd);
    const r = await runWithin(20_000, ['get', '--path', dir, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const records = ndjson<KmsRecord>(r.stdout);
    for (const x of records) expectValid('record', x);
    expect(records.map((x) => [x.id, x.warnings.map((w) => w.code)])).toEqual([
      ['Ma', []],
      ['Mbig', ['too-large']],
      ['Mz', []],
    ]);
    expect(records[1]).toMatchObject({ size: 1024 ** 3, sha256: null, state: null, affected: false });
    expect(r.peakKiB).toBeLessThan(200 * 1024);
  });

  it('reset --id and --mailbox never touch it, and memory stays flat', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const big = join(dir, 'Mbig.ini');
    writeFileSync(big, `[Client]\r\nState = 4\r\nAlias = big\r\n${'x'.repeat(2 * 1024 * 1024)}\r\n`);
    const before = readFileSync(big);
    const byId = await runWithin(20_000, ['reset', '--path', dir, '--id', 'Mbig', '--format', 'ndjson']);
    expect(byId.code).toBe(1);
    expect(ndjson<ChangeResult>(byId.stdout)[0]).toMatchObject({ id: 'Mbig', status: 'failed', code: 'too-large' });
    expect(byId.peakKiB).toBeLessThan(200 * 1024);
    const byMailbox = await runWithin(20_000, ['reset', '--path', dir, '--mailbox', 'big', '--format', 'ndjson']);
    // The file is never read, so no record kmsdb knows matches: the pattern is refused as not-found.
    expect(byMailbox.code).toBe(1);
    expect(ndjson<ChangeResult>(byMailbox.stdout).map((x) => [x.status, x.code, x.mailbox])).toEqual([['skipped', 'not-found', 'big']]);
    expect(readFileSync(big)).toEqual(before);
  });

  it('a record one byte under the limit is read; one byte over is not', async () => {
    const limit = 1024 * 1024;
    const head = '[Client]\r\nState = 4\r\nAlias = edge\r\n';
    const dir = makeDb({ 'Mat.ini': head + 'x'.repeat(limit - head.length), 'Mover.ini': head + 'x'.repeat(limit - head.length + 1) });
    const r = await runKmsdb(['get', '--path', dir, '--format', 'ndjson']);
    const records = ndjson<KmsRecord>(r.stdout);
    expect(records.map((x) => [x.id, x.size, x.state, x.warnings.map((w) => w.code)])).toEqual([
      ['Mat', limit, 4, []],
      ['Mover', limit + 1, null, ['too-large']],
    ]);
  });

  it('a record that links to /dev/zero is no record, and is passed over at once', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    symlinkSync('/dev/zero', join(dir, 'Mzero.ini'));
    const r = await runWithin(5_000, ['get', '--path', dir, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(ndjson<KmsRecord>(r.stdout).map((x) => x.id)).toEqual(['Ma']);
    expect(r.peakKiB).toBeLessThan(200 * 1024);
    const reset = await runWithin(5_000, ['reset', '--path', dir, '--id', 'Mzero', '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(reset.stdout)[0]).toMatchObject({ status: 'failed', code: 'outside-database' });
  });
});

describe('only regular files are records', () => {
  it.each([
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), /is a FIFO, not a record file/],
    ['a folder', (p: string) => mkdirSync(p), /is a folder, not a record file/],
    ['a link to /dev/null', (p: string) => symlinkSync('/dev/null', p), /is a device, not a record file/],
  ])('get --path naming %s named *.ini says what it is, exit 2', async (_name, make, message) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const path = join(dir, 'X.ini');
    make(path);
    const r = await runWithin(5_000, ['get', '--path', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a FIFO in the database folder is passed over by get and refused by reset, without hanging', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    execFileSync('mkfifo', [join(dir, 'Mfifo.ini')]);
    const get = await runWithin(5_000, ['get', '--path', dir, '--format', 'ndjson']);
    expect(get.code).toBe(0);
    expect(ndjson<KmsRecord>(get.stdout).map((x) => x.id)).toEqual(['Ma']);
    const reset = await runWithin(5_000, ['reset', '--path', dir, '--id', 'Mfifo', '--format', 'ndjson']);
    expect(reset.code).toBe(1);
    expect(ndjson<ChangeResult>(reset.stdout)[0]).toMatchObject({ status: 'failed', code: 'not-a-record' });
  });

  it('a name that is not valid UTF-8 is reported, and the other records are listed', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const bad = Buffer.concat([Buffer.from(`${dir}/M`), Buffer.from([0xff, 0xfe]), Buffer.from('bad.ini')]);
    writeFileSync(bad, STUCK('bad'));
    const r = await runKmsdb(['get', '--path', dir, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(ndjson<KmsRecord>(r.stdout).map((x) => x.id)).toEqual(['Ma']);
    expect(r.stderr).toContain('M\\xff\\xfebad.ini');
    expect(r.stderr).toMatch(/^kmsdb: warning: .*not valid UTF-8/);
  });
});

describe('names that differ only in case', () => {
  const db = () => makeDb({ 'MCASE.ini': STUCK('upper'), 'Mcase.ini': STUCK('lower'), 'MONLY.ini': STUCK('only') });

  it.each([
    ['MCASE', 'MCASE.ini'],
    ['Mcase', 'Mcase.ini'],
  ])('reset --id %s changes exactly %s', async (id, changed) => {
    const dir = db();
    const r = await runKmsdb(['reset', '--path', dir, '--id', id, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.status])).toEqual([[basename(changed, '.ini'), 'reset']]);
    for (const name of ['MCASE.ini', 'Mcase.ini']) {
      expect(readFileSync(join(dir, name), 'latin1').includes('State = 1')).toBe(name === changed);
    }
  });

  it('two case-insensitive matches and no exact one are ambiguous and refused', async () => {
    const dir = db();
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'mcase', '--format', 'ndjson']);
    expect(r.code).toBe(1);
    const [result] = ndjson<ChangeResult>(r.stdout);
    expectValid('resetResult', result);
    expect(result).toMatchObject({ status: 'failed', code: 'ambiguous-name' });
    expect(result!.message).toContain('MCASE.ini, Mcase.ini');
    expect(readFileSync(join(dir, 'MCASE.ini'), 'latin1')).toBe(STUCK('upper'));
    expect(readFileSync(join(dir, 'Mcase.ini'), 'latin1')).toBe(STUCK('lower'));
  });

  it('one case-insensitive match is found, as on NTFS', async () => {
    const dir = db();
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'monly', '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.status])).toEqual([['MONLY', 'reset']]);
  });

  it('restore --from-log --id picks the exact name among names that differ in case', async () => {
    const dir = db();
    await runKmsdb(['reset', '--path', dir, '--id', 'MCASE', '--id', 'Mcase']);
    const log = join(backupDirOf(dir), 'kmsdb-audit.log');
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--id', 'Mcase', '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.status])).toEqual([['Mcase', 'restored']]);
    // No exact name, and two that differ only in case: refused, naming the reason.
    const none = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--id', 'mCASE', '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(none.stdout).map((x) => [x.id, x.status, x.code])).toEqual([['mCASE', 'skipped', 'ambiguous-name']]);
    expect(readFileSync(join(dir, 'MCASE.ini'), 'latin1')).toContain('State = 1');
  });
});

describe('leftovers of earlier runs', () => {
  /** A pid that no process has: beyond the kernel's largest. */
  const deadPid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;
  const hourAgo = new Date(Date.now() - 3600_000);

  it('a later successful run removes the .partial backups and lock temps that killed runs left, and nothing else', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const backups = backupDirOf(dir);
    mkdirSync(backups);
    const ours = [
      join(backups, `.Ma.ini.${deadPid}-0badf00d.partial`),
      join(backups, `.Mb.ini.${deadPid}-12345678.partial`),
      join(dir, `.kmsdb.lock.${deadPid}-cafebabe.tmp`),
    ];
    const foreign = [
      join(backups, 'notes.partial'),
      join(backups, '.Ma.ini.partial'),
      join(backups, `.Ma.ini.${process.pid}-deadbeef.partial`),
      join(dir, '.kmsdb.lock.old'),
      join(dir, `.kmsdb.lock.${process.pid}-0000cafe.tmp`),
    ];
    for (const f of [...ours, ...foreign]) {
      writeFileSync(f, '');
      utimesSync(f, hourAgo, hourAgo);
    }
    const recent = join(backups, `.Mc.ini.${deadPid}-00000001.partial`);
    writeFileSync(recent, '');
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma']);
    expect(r.code).toBe(0);
    for (const f of ours) expect(existsSync(f), f).toBe(false);
    for (const f of [...foreign, recent]) expect(existsSync(f), f).toBe(true);
  });

  it('a backup that fails on a full disk leaves no .partial behind', async (ctx) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const backups = join(tempDir(), 'full');
    mkdirSync(backups);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', backups], { stdio: 'ignore' });
    } catch {
      cannotRun(ctx, 'a tmpfs cannot be mounted (run the tests as root): nothing else fills a disk');
    }
    try {
      try {
        writeFileSync(join(backups, 'filler'), Buffer.alloc(64 * 1024));
      } catch {
        // Full: as intended.
      }
      const r = await runKmsdb([
        'reset',
        '--path',
        dir,
        '--id',
        'Ma',
        '--backup-dir',
        backups,
        '--log',
        join(tempDir(), 'audit.log'),
        '--format',
        'ndjson',
      ]);
      expect(ndjson<ChangeResult>(r.stdout)[0]).toMatchObject({ status: 'failed', code: 'backup-failed' });
      expect(readdirSync(backups)).toEqual(['filler']);
      expect(readdirSync(dir)).toEqual(['Ma.ini']);
    } finally {
      execFileSync('umount', [backups]);
    }
  });
});

describe('no internal error for bad input', () => {
  const oneLine = (r: { code: number | null; stderr: string }, code: number) => {
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^kmsdb: /);
    // In request mode the exit report follows as the last line (src/index.ts).
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{"type":"exit"'));
    expect(lines).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- a NUL in the message is what must not be there
    expect(r.stderr).not.toMatch(/internal error|ERR_[A-Z_]+|\x00/);
  };

  it.each([
    [
      'a deep value in a reset record',
      (dir: string) =>
        `{"command":"reset","path":${JSON.stringify(dir)},"records":[{"path":"Ma.ini","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`,
    ],
    [
      'a deep value in a get request',
      (dir: string) => `{"command":"get","path":[${JSON.stringify(dir)}],"x":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
    ],
  ])('--request - with %s: exit 2', async (_name, request) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    oneLine(await runKmsdb(['--request', '-'], { stdin: request(dir) }), 2);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK('a'));
  });

  it.each([
    [
      '--request get path',
      (dir: string) => ({ args: ['--request', '-'], stdin: JSON.stringify({ command: 'get', path: [`${dir}/a\u0000b`] }) }),
    ],
    [
      '--request reset backupDir',
      (dir: string) => ({
        args: ['--request', '-'],
        stdin: JSON.stringify({ command: 'reset', path: dir, id: ['Ma'], backupDir: `${dir}\u0000x` }),
      }),
    ],
    [
      '--request reset id',
      (dir: string) => ({ args: ['--request', '-'], stdin: JSON.stringify({ command: 'reset', path: dir, id: ['M\u0000a'] }) }),
    ],
    [
      'reset --stdin record path',
      (dir: string) => ({ args: ['reset', '--path', dir, '--stdin'], stdin: JSON.stringify({ path: `${dir}/Ma.ini\u0000.txt` }) }),
    ],
  ])('a NUL in a path (%s): exit 2, and no raw NUL echoed', async (_name, make) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const { args, stdin } = make(dir);
    const r = await runKmsdb(args, { stdin });
    oneLine(r, 2);
    expect(r.stderr).toMatch(/NUL/);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK('a'));
  });

  it('a NUL in the settings file: exit 2', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const config = join(tempDir(), 'kmsdb.ini');
    writeFileSync(config, `[defaults]\r\ndatabase = ${dir}\u0000x\r\n`);
    oneLine(await runKmsdb(['get', '--config', config]), 2);
  });

  it.each(['reset', 'restore'])('.kmsdb.lock being a folder: %s exits 3 saying so', async (command) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    mkdirSync(join(dir, '.kmsdb.lock'));
    const args =
      command === 'reset'
        ? ['reset', '--path', dir, '--id', 'Ma', '--wait', '0']
        : ['restore', '--path', dir, '--backup', join(backupDirOf(dir), 'Ma.ini.20260101T000000000Z.bak'), '--wait', '0'];
    const r = await runKmsdb(args);
    oneLine(r, 3);
    expect(r.stderr).toMatch(/\.kmsdb\.lock is a folder/);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK('a'));
  });

  it.each([
    [['--wait', '-1'], /--wait/],
    [['--wait=-1'], /--wait must be a number of seconds/],
    [['--wait', 'soon'], /--wait must be a number of seconds/],
    [['--wait', 'Infinity'], /--wait must be a number of seconds/],
    [['--format', '-x'], /--format/],
  ])('reset %j: one line, exit 2', async (extra, message) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a') });
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', ...extra]);
    oneLine(r, 2);
    expect(r.stderr).toMatch(message);
  });

  it('get --threads -1: one line, exit 2', async () => {
    oneLine(await runKmsdb(['get', '--path', '.', '--threads', '-1']), 2);
  });

  it.each([
    ['UTF-16LE with a BOM (Notepad "Unicode")', (text: string) => utf16(text)],
    ['UTF-16BE with a BOM', (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-8 with a BOM', (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
  ])('a settings file saved as %s is read', async (_name, encode) => {
    const dir = makeDb({ 'Ma.ini': STUCK('a'), 'Mb.ini': 'State = 1\r\n' });
    const config = join(tempDir(), 'kmsdb.ini');
    writeFileSync(config, encode(`; kmsdb\r\n[defaults]\r\ndatabase = ${dir}\r\n`));
    const r = await runKmsdb(['get', '--config', config, '--format', 'ndjson']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ndjson<KmsRecord>(r.stdout).map((x) => x.id)).toEqual(['Ma', 'Mb']);
  });

  it('a settings file that is UTF-16 without a BOM says which encoding to use', async () => {
    const config = join(tempDir(), 'kmsdb.ini');
    writeFileSync(config, Buffer.from('[defaults]\r\ndatabase = /x\r\n', 'utf16le'));
    const r = await runKmsdb(['get', '--config', config]);
    oneLine(r, 2);
    expect(r.stderr).toMatch(/UTF-8/);
  });
});

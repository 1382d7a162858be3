import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { recordFileName } from '../../scripts/lib/synth.mjs';
import type { KmsRecord } from '../../src/records/record.js';
import { expectValid } from '../helpers/contract.js';
import { ansi, LINUX_EXE, makeDb, ndjson, ROOT, tempDir, utf16, WINDOWS_EXE } from '../helpers/db.js';
import { holdFileExe } from '../helpers/hold-file.js';
import { cannotRun } from '../helpers/tools.js';
import { setUpWine, winePath, type Wine } from '../helpers/wine.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

/** Fixtures in every shape the reader handles. */
function fixtureDb(): string {
  return makeDb({
    'Ma-crlf.ini': '[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=jdoe\r\nState = 4\r\n',
    'Mb-lf.ini': '[Client]\nAlias = user3\nState = 4\nNumSCerts = 1\n',
    'Mc-cr.ini': '[Client]\rState = 1\rAlias = cr',
    'Md-utf16.ini': utf16('[Client]\r\nDisplayName = José Müller ΣΟΦΙΑ\r\nState = 4\r\n'),
    'Me-1252.ini': Buffer.from([...ansi('[Client]\r\nDisplayName = '), 0x80, 0x8a, ...ansi(' Björn\r\nState = "4"\r\n')]),
    'Mf-dup.ini': '[Client]\r\nState = 4\r\n[X]\r\nstate = 1\r\n',
    'Mg-empty.ini': '',
    'Mh-binary.ini': Buffer.from([0x4d, 0x5a, 0x00, 0x01, 0x02]),
    'Mi-comment.ini': '[Client]\r\n; State = 1\r\n#x = y\r\n  sTaTe\t= 4 ; not a comment\r\n',
    'MJ-UPPER.INI': '[Client]\r\nState = 2\r\n',
    'notes.txt': 'State = 4\r\n',
    'Mk.ini.bak': 'State = 4\r\n',
  });
}

describe('the Linux executable', () => {
  it('prints the package version and the usage', () => {
    expect(spawnSync(LINUX_EXE, ['--version'], { encoding: 'utf8' }).stdout).toBe(`${VERSION}\n`);
    const help = spawnSync(LINUX_EXE, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/kmsdb reset/);
  });

  it('runs with an empty environment, with no Node on the PATH', () => {
    const dir = fixtureDb();
    const r = spawnSync('env', ['-i', LINUX_EXE, 'get', '--path', dir, '--affected', '--format', 'ndjson'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(ndjson<KmsRecord>(r.stdout).map((x) => x.id)).toEqual(['Ma-crlf', 'Md-utf16', 'Me-1252', 'Mf-dup', 'Mi-comment']);
  });
});

const wine = setUpWine();
if (typeof wine === 'string') {
  // Loud on purpose: CI installs wine, so a skip here means the Windows build went unchecked.
  console.warn(`\n!!! WINDOWS EXECUTABLE NOT CHECKED: ${wine} !!!\n`);
}

describe.skipIf(typeof wine === 'string')('the Windows executable, under wine', () => {
  const w = wine as Exclude<typeof wine, string>;

  it('prints the package version', () => {
    const r = w.run([WINDOWS_EXE, '--version'], join(tempDir(), 'out.txt'));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("prints a command's help for --help, -h and help COMMAND, as the Linux executable does", () => {
    const linux = spawnSync(LINUX_EXE, ['reset', '--help'], { encoding: 'utf8' });
    expect(linux.status).toBe(0);
    for (const args of [
      ['reset', '--help'],
      ['reset', '-h'],
      ['help', 'reset'],
    ]) {
      const r = w.run([WINDOWS_EXE, ...args], join(tempDir(), 'out.txt'));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(linux.stdout);
    }
    const nosuch = w.run([WINDOWS_EXE, 'help', 'nosuch'], join(tempDir(), 'out.txt'));
    expect(nosuch.code).toBe(2);
    expect(nosuch.stdout).toBe('');
    expect(nosuch.stderr).toMatch(/^kmsdb: help: there is no command 'nosuch'.*\n$/);
  });

  it('reads every fixture exactly as the Linux executable does', () => {
    const dir = fixtureDb();
    const linux = spawnSync(LINUX_EXE, ['get', '--path', dir, '--format', 'ndjson'], { encoding: 'utf8' });
    const windows = w.run([WINDOWS_EXE, 'get', '--path', winePath(dir), '--format', 'ndjson'], join(tempDir(), 'out.ndjson'));
    expect(windows.code, windows.stderr).toBe(0);
    const fromLinux = ndjson<KmsRecord>(linux.stdout);
    const fromWindows = ndjson<KmsRecord>(windows.stdout);
    for (const r of fromWindows) expectValid('record', r);
    expect(fromWindows.map((r) => r.path)).toEqual(fromLinux.map((r) => winePath(r.path)));
    expect(fromWindows.map((r) => ({ ...r, path: '' }))).toEqual(fromLinux.map((r) => ({ ...r, path: '' })));
    expect(fromLinux).toHaveLength(10);
  });

  it('reads a large folder on several threads, as the Linux executable does', { timeout: 120_000 }, () => {
    const dir = join(tempDir(), 'Clients');
    mkdirSync(dir);
    for (let i = 0; i < 21_000; i++)
      writeFileSync(join(dir, recordFileName(i)), `[Client]\r\nState = ${i % 100 === 7 ? 4 : 1}\r\nAlias = user${i}\r\n`);
    const traceFile = join(tempDir(), 'trace.ndjson');
    const windows = w.run(
      [WINDOWS_EXE, 'get', '--path', winePath(dir), '--affected', '--format', 'ndjson', '--threads', '2'],
      join(tempDir(), 'out.ndjson'),
      { KMSDB_TRACE_FILE: winePath(traceFile) },
    );
    expect(windows.code, windows.stderr).toBe(0);
    expect(readFileSync(traceFile, 'utf8')).toMatch(/"readers":2/);
    const linux = spawnSync(LINUX_EXE, ['get', '--path', dir, '--affected', '--format', 'ndjson'], { encoding: 'utf8' });
    expect(ndjson<KmsRecord>(windows.stdout).map((r) => r.id)).toEqual(ndjson<KmsRecord>(linux.stdout).map((r) => r.id));
    expect(ndjson(windows.stdout)).toHaveLength(210);
  });

  it('resets a record byte-exact, with its backup', () => {
    const text = '[Client]\r\nDisplayName = José\r\nState = 4\r\n';
    const dir = makeDb({ 'Ma.ini': utf16(text) });
    const r = w.run([WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Ma', '--format', 'ndjson'], join(tempDir(), 'out.ndjson'));
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)[0]).toMatchObject({ status: 'reset', previousState: 4, state: 1 });
    expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(utf16(text.replace('State = 4', 'State = 1')));
  });

  it('resets and restores through the audit log, byte-exact, with Windows paths', () => {
    const texts = {
      'Ma.ini': ansi('[Client]\r\nDisplayName = Björn\r\nState = 4\r\n'),
      'Mb.ini': utf16('[Client]\r\nDisplayName = ΣΟΦΙΑ\r\nState\t=  4 \r\n'),
      'Mc.ini': ansi('[Client]\nState = 4\nNumSCerts = 1\n'),
    };
    const dir = makeDb(texts);
    const log = join(tempDir(), 'audit.log');
    const reset = w.run(
      [
        WINDOWS_EXE,
        'reset',
        '--path',
        winePath(dir),
        '--id',
        'Ma',
        '--id',
        'Mb',
        '--id',
        'Mc',
        '--log',
        winePath(log),
        '--format',
        'ndjson',
      ],
      join(tempDir(), 'out.ndjson'),
    );
    expect(reset.code, reset.stderr).toBe(1);
    expect(ndjson<{ id: string; status: string; backupPath: string }>(reset.stdout).map((r) => [r.id, r.status])).toEqual([
      ['Ma', 'reset'],
      ['Mb', 'reset'],
      ['Mc', 'skipped'],
    ]);
    expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(ansi('[Client]\r\nDisplayName = Björn\r\nState = 1\r\n'));
    expect(readFileSync(join(dir, 'Mb.ini'))).toEqual(utf16('[Client]\r\nDisplayName = ΣΟΦΙΑ\r\nState\t=  1 \r\n'));
    const backups = ndjson<{ backupPath: string }>(reset.stdout)
      .slice(0, 2)
      .map((r) => r.backupPath);
    for (const b of backups) expect(b).toMatch(/^Z:\\/);

    const restore = w.run(
      [WINDOWS_EXE, 'restore', '--path', winePath(dir), '--from-log', winePath(log), '--log', winePath(log), '--format', 'ndjson'],
      join(tempDir(), 'out.ndjson'),
    );
    expect(restore.code, restore.stderr).toBe(0);
    expect(ndjson<{ id: string; status: string }>(restore.stdout).map((r) => [r.id, r.status])).toEqual([
      ['Ma', 'restored'],
      ['Mb', 'restored'],
    ]);
    for (const [name, bytes] of Object.entries(texts)) expect(readFileSync(join(dir, name)), name).toEqual(bytes);
  });

  it('restores only an untampered backup from the audit log, and refuses a log inside the database in any letter case', () => {
    const stuck = '[Client]\r\nAlias = jdoe\r\nState = 4\r\n';
    const dir = makeDb({ 'Ma.ini': stuck, 'Mb.ini': stuck });
    const out = () => join(tempDir(), 'out.ndjson');
    const reset = w.run([WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Ma', '--id', 'Mb', '--format', 'ndjson'], out());
    expect(reset.code, reset.stderr).toBe(0);
    const [ma, mb] = ndjson<{ backupPath: string }>(reset.stdout);
    // Tamper with Mb's backup (a Windows path: Z:\...), leave Ma's alone.
    writeFileSync(mb!.backupPath.replace(/^Z:/, '').replace(/\\/g, '/'), 'State = 9\r\n');
    const log = `${winePath(dir)}.kmsdb-backup\\kmsdb-audit.log`;
    const restore = w.run([WINDOWS_EXE, 'restore', '--path', winePath(dir), '--from-log', log, '--format', 'ndjson'], out());
    expect(restore.code, restore.stderr).toBe(1);
    expect(ndjson(restore.stdout).map((r) => [r.id, r.status, r.code])).toEqual([
      ['Ma', 'restored', null],
      ['Mb', 'failed', 'backup-mismatch'],
    ]);
    expect(ma!.backupPath).toMatch(/^Z:\\/);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(stuck);
    const inside = w.run(
      [WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Mb', '--log', `${winePath(dir).toUpperCase()}\\audit.ini`],
      out(),
    );
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/inside the database folder/);
  });

  it('matches a hostile wildcard pattern at once', () => {
    const dir = makeDb({ 'Ma.ini': `[Client]\r\nState = 4\r\nAlias = ${'a'.repeat(5000)}\r\n` });
    const started = Date.now();
    const r = w.run(
      [WINDOWS_EXE, 'get', '--path', winePath(dir), '--mailbox', `${'*a'.repeat(30)}*b`, '--format', 'ndjson'],
      join(tempDir(), 'out.ndjson'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("keeps a record's DOS attributes through a reset and a restore", () => {
    const dir = makeDb({ 'Ma.ini': '[Client]\r\nAlias = jdoe\r\nState = 4\r\n' });
    const file = winePath(join(dir, 'Ma.ini'));
    // wine's attrib applies only the last of several flags, so one call per flag.
    for (const flag of ['+h', '+s']) expect(w.run(['cmd', '/c', 'attrib', flag, file], join(tempDir(), 'attrib.txt')).code).toBe(0);
    const attributes = () => w.run(['cmd', '/c', 'attrib', file], join(tempDir(), 'attrib.txt')).stdout.slice(0, 12).replace(/\s+/g, '');
    expect(attributes()).toBe('ASH');

    const reset = w.run([WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Ma', '--format', 'ndjson'], join(tempDir(), 'out.ndjson'));
    expect(reset.code, reset.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe('[Client]\r\nAlias = jdoe\r\nState = 1\r\n');
    expect(attributes()).toBe('ASH');

    const backup = ndjson<{ backupPath: string }>(reset.stdout)[0]!.backupPath;
    const restore = w.run(
      [WINDOWS_EXE, 'restore', '--path', winePath(dir), '--backup', backup, '--format', 'ndjson'],
      join(tempDir(), 'out.ndjson'),
    );
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe('[Client]\r\nAlias = jdoe\r\nState = 4\r\n');
    expect(attributes()).toBe('ASH');
  });

  /** Runs a reset of Ma.ini while hold-file.exe holds it open with `sharing`. */
  function resetWhileHeld(ctx: TestContext, sharing: 'r' | 'rw') {
    let holder: string;
    try {
      holder = holdFileExe();
    } catch (err) {
      return cannotRun(ctx, `sharing not checked: ${(err as Error).message}`);
    }
    const dir = makeDb({ 'Ma.ini': '[Client]\r\nState = 4\r\n' });
    const signals = tempDir();
    const held = (w as Wine).start([
      holder,
      winePath(join(dir, 'Ma.ini')),
      sharing,
      winePath(join(signals, 'ready')),
      winePath(join(signals, 'stop')),
    ]);
    try {
      const started = Date.now();
      while (!existsSync(join(signals, 'ready'))) {
        if (Date.now() - started > 60_000 || held.exitCode !== null) throw new Error('hold-file.exe did not open the record');
        spawnSync('sleep', ['0.1']);
      }
      const r = w.run([WINDOWS_EXE, 'reset', '--path', winePath(dir), '--id', 'Ma', '--format', 'ndjson'], join(tempDir(), 'out.ndjson'));
      return { ...r, record: readFileSync(join(dir, 'Ma.ini'), 'latin1') };
    } finally {
      writeFileSync(join(signals, 'stop'), '');
      if (held.exitCode === null) held.kill();
    }
  }

  it('resets a record that another program holds open, sharing read and write', (ctx) => {
    const r = resetWhileHeld(ctx, 'rw');
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)[0]).toMatchObject({ status: 'reset' });
    expect(r.record).toBe('[Client]\r\nState = 1\r\n');
  });

  it('says another program holds the record when it shares no writing, and leaves it alone', (ctx) => {
    const r = resetWhileHeld(ctx, 'r');
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout)[0]).toMatchObject({
      status: 'failed',
      code: 'write-failed',
      message: expect.stringMatching(
        /^The record could not be written: another program holds the file open \(EBUSY, still after [\d.]+ s\)/,
      ),
    });
    expect(r.record).toBe('[Client]\r\nState = 4\r\n');
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFileName } from '../../scripts/lib/synth.mjs';
import type { KmsRecord } from '../../src/records/record.js';
import { expectValid } from '../helpers/contract.js';
import { ansi, LINUX_EXE, makeDb, ndjson, ROOT, tempDir, utf16, WINDOWS_EXE } from '../helpers/db.js';
import { setUpWine, winePath } from '../helpers/wine.js';

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
    for (let i = 0; i < 21_000; i++) writeFileSync(join(dir, recordFileName(i)), `[Client]\r\nState = ${i % 100 === 7 ? 4 : 1}\r\nAlias = user${i}\r\n`);
    const traceFile = join(tempDir(), 'trace.ndjson');
    const windows = w.run([WINDOWS_EXE, 'get', '--path', winePath(dir), '--affected', '--format', 'ndjson', '--threads', '2'], join(tempDir(), 'out.ndjson'), { KMSDB_TRACE_FILE: winePath(traceFile) });
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
});

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { recordFileName, recordText } from '../../scripts/lib/synth.mjs';
import type { KmsRecord } from '../../src/records/record.js';
import { expectValid } from '../helpers/contract.js';
import { KMSDB, ansi, makeDb, ndjson, runKmsdb, tempDir, utf16 } from '../helpers/db.js';

const AFFECTED = '[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=jdoe\r\nState = 4\r\n';

function byId(records: KmsRecord[]): Record<string, KmsRecord> {
  return Object.fromEntries(records.map((r) => [r.id, r]));
}

async function getNdjson(args: string[]): Promise<KmsRecord[]> {
  const r = await runKmsdb(['get', ...args, '--format', 'ndjson']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const records = ndjson<KmsRecord>(r.stdout);
  for (const record of records) expectValid('record', record);
  return records;
}

describe('kmsdb get: which files are records', () => {
  it('reads *.ini in any case directly inside the folder, and nothing else', async () => {
    const dir = makeDb({
      'Mlower.ini': AFFECTED,
      'MUPPER.INI': AFFECTED,
      'MMixed.Ini': AFFECTED,
      'Mbackup.ini.bak': AFFECTED,
      'Mnotes.txt': AFFECTED,
      Mnoext: AFFECTED,
      'sub/': '',
      'sub/Mnested.ini': AFFECTED,
      'folder.ini/': '',
    });
    const records = await getNdjson(['--path', dir]);
    expect(records.map((r) => r.id).sort()).toEqual(['MMixed', 'MUPPER', 'Mlower']);
    expect(records.every((r) => r.path.startsWith(dir))).toBe(true);
  });

  it('prints records in file-name order', async () => {
    const dir = makeDb({ 'Mc.ini': AFFECTED, 'Ma.ini': AFFECTED, 'Mb.ini': AFFECTED });
    expect((await getNdjson(['--path', dir])).map((r) => r.id)).toEqual(['Ma', 'Mb', 'Mc']);
  });

  it('reads one record file named by --path', async () => {
    const dir = makeDb({ 'Mone.ini': AFFECTED, 'Mtwo.ini': AFFECTED });
    const records = await getNdjson(['--path', join(dir, 'Mtwo.ini')]);
    expect(records.map((r) => r.id)).toEqual(['Mtwo']);
    expect(records[0]?.path).toBe(join(dir, 'Mtwo.ini'));
  });

  it('skips a FIFO named like a record instead of hanging on it', async () => {
    const dir = makeDb({ 'Mreal.ini': AFFECTED });
    execFileSync('mkfifo', [join(dir, 'Mpipe.ini')]);
    expect((await getNdjson(['--path', dir])).map((r) => r.id)).toEqual(['Mreal']);
    expect((await getNdjson(['--path', dir, '--affected'])).map((r) => r.id)).toEqual(['Mreal']);
  });

  it('follows a symlinked record but not a dangling one', async () => {
    const dir = makeDb({ 'Mreal.ini': AFFECTED });
    symlinkSync(join(dir, 'Mreal.ini'), join(dir, 'Mlink.ini'));
    symlinkSync(join(dir, 'Mmissing.txt'), join(dir, 'Mdangling.ini'));
    expect((await getNdjson(['--path', dir])).map((r) => r.id)).toEqual(['Mlink', 'Mreal']);
  });
});

describe('kmsdb get: reading as KMS reads', () => {
  it('reads every supported shape the same way', async () => {
    const dir = makeDb({
      'Mcrlf.ini': AFFECTED,
      'Mlf.ini': AFFECTED.replace(/\r\n/g, '\n'),
      'Mcr.ini': AFFECTED.replace(/\r\n/g, '\r'),
      'Mnofinal.ini': AFFECTED.trimEnd(),
      'Mutf16.ini': utf16(AFFECTED),
      'Mquoted.ini': '[Client]\r\nState = "4"\r\n',
      'Mcase.ini': '[CLIENT]\r\n  sTaTe\t=\t4  \r\n',
      'Mcomment.ini': '[Client]\r\n; State = 1\r\n# just a key\r\nState = 4\r\n',
    });
    const records = byId(await getNdjson(['--path', dir]));
    for (const id of Object.keys(records)) {
      expect(records[id], id).toMatchObject({ state: 4, stateName: 'Recovery', numSCerts: null, affected: true });
    }
    expect(records.Mcrlf?.lineEnding).toBe('CRLF');
    expect(records.Mlf?.lineEnding).toBe('LF');
    expect(records.Mcr?.lineEnding).toBe('CR');
    expect(records.Mutf16?.encoding).toBe('utf-16le');
    expect(records.Mcrlf?.encoding).toBe('windows-1252');
  });

  it('prints Windows-1252 and UTF-16LE names as the same Unicode text', async () => {
    const name = '[Client]\r\nDisplayName = José Müller\r\nState = 1\r\n';
    const dir = makeDb({
      'Mansi.ini': ansi(name),
      'Mwide.ini': utf16(name),
      'Mcp.ini': Buffer.from([...ansi('[Client]\r\nDisplayName = '), 0x80, 0x8a, 0x9c]),
    });
    const records = byId(await getNdjson(['--path', dir]));
    expect(records.Mansi?.mailbox).toBe('José Müller');
    expect(records.Mwide?.mailbox).toBe('José Müller');
    expect(records.Mcp?.mailbox).toBe('€Šœ');
  });

  it('reports duplicates, empty and binary files as warnings and keeps scanning', async () => {
    const dir = makeDb({
      'Ma-dup.ini': '[Client]\r\nState = 4\r\nSTATE = 1\r\n',
      'Mb-empty.ini': '',
      'Mc-binary.ini': Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]),
      'Md-ok.ini': AFFECTED,
    });
    const records = byId(await getNdjson(['--path', dir]));
    expect(records['Ma-dup']).toMatchObject({ state: 4, affected: true });
    expect(records['Ma-dup']?.warnings.map((w) => w.code)).toEqual(['duplicate-state']);
    expect(records['Mb-empty']?.warnings.map((w) => w.code)).toEqual(['empty']);
    expect(records['Mc-binary']?.warnings.map((w) => w.code)).toEqual(['binary']);
    expect(records['Md-ok']?.warnings).toEqual([]);
  });
});

describe('kmsdb get: filters', () => {
  const db = () =>
    makeDb({
      'M1.ini': recordText({ alias: 'user3', state: 4, numSCerts: null, certLength: 40 }),
      'M2.ini': recordText({ alias: 'user30', state: 4, numSCerts: null, certLength: 40 }),
      'M3.ini': recordText({ alias: 'jdoe', state: 4, numSCerts: 1, certLength: 40 }),
      'M4.ini': utf16(recordText({ alias: 'jmuller', displayName: 'José Müller', state: 1, certLength: 40 })),
    });

  it('--affected keeps State 4 without NumSCerts', async () => {
    expect((await getNdjson(['--path', db(), '--affected'])).map((r) => r.id)).toEqual(['M1', 'M2']);
  });

  it('--mailbox matches a whole value: user3 does not select user30', async () => {
    expect((await getNdjson(['--path', db(), '--mailbox', 'user3'])).map((r) => r.id)).toEqual(['M1']);
  });

  it('--mailbox matches DN leaves, wildcards and non-ASCII case, OR-ed', async () => {
    const dir = db();
    expect((await getNdjson(['--path', dir, '--mailbox', 'JDOE'])).map((r) => r.id)).toEqual(['M3']);
    expect((await getNdjson(['--path', dir, '--mailbox', 'user3?'])).map((r) => r.id)).toEqual(['M2']);
    expect((await getNdjson(['--path', dir, '--mailbox', 'JOSÉ MÜLLER', '--mailbox', 'user3'])).map((r) => r.id)).toEqual(['M1', 'M4']);
  });

  it('--mailbox and --affected combine', async () => {
    expect((await getNdjson(['--path', db(), '--affected', '--mailbox', 'user*'])).map((r) => r.id)).toEqual(['M1', 'M2']);
  });

  it('nothing matching is still success, and a pattern that matches no record is named on stderr', async () => {
    const r = await runKmsdb(['get', '--path', db(), '--mailbox', 'nobody']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ schemaVersion: 1, records: [] });
    expect(r.stderr).toBe("kmsdb: warning: No record has a mailbox that matches 'nobody'.\n");
  });

  it('names only the patterns that match no record at all, once each, in the order given, whatever --affected leaves out', async () => {
    const r = await runKmsdb([
      'get',
      '--path',
      db(),
      '--format',
      'ndjson',
      '--affected',
      '--mailbox',
      'jd?e',
      '--mailbox',
      'x*',
      '--mailbox',
      'JOSÉ*',
      '--mailbox',
      'user3',
      '--mailbox',
      'a\u001b[2J',
      // The same patterns again, as case makes no difference to them: named once, as first written.
      '--mailbox',
      'X*',
      '--mailbox',
      'x*',
    ]);
    expect(r.code).toBe(0);
    expect(ndjson<{ id: string }>(r.stdout).map((x) => x.id)).toEqual(['M1']);
    expect(r.stderr).toBe(
      "kmsdb: warning: No record has a mailbox that matches 'x*'.\nkmsdb: warning: No record has a mailbox that matches 'a\\u001B[2J'.\n",
    );
  });

  it('says, of a pattern that matches no record it could read, how many files it could not read', async () => {
    // bigguy's file is too large to be read (2 MiB, past any record's size): it may be the one meant.
    const dir = makeDb({ 'Ma.ini': recordText({ alias: 'jdoe', state: 4, numSCerts: null, certLength: 40 }) });
    writeFileSync(join(dir, 'Mbig.ini'), '[Client]\r\nAlias = bigguy\r\nState = 4\r\n');
    truncateSync(join(dir, 'Mbig.ini'), 2 * 1024 * 1024);
    const r = await runKmsdb(['get', '--path', dir, '--format', 'ndjson', '--mailbox', 'bigguy', '--mailbox', 'jdoe']);
    expect(r.code).toBe(0);
    expect(ndjson<{ id: string }>(r.stdout).map((x) => x.id)).toEqual(['Ma']);
    expect(r.stderr).toBe(
      "kmsdb: warning: No record that could be read has a mailbox that matches 'bigguy': " +
        '1 file could not be read, and it may be one of them: a listing with no mailbox or state filter names each, with why.\n',
    );
    // Listed without --mailbox, with its reason; every pattern matched: nothing to say of the files not read.
    const all = await runKmsdb(['get', '--path', dir, '--format', 'ndjson']);
    expect(ndjson<{ id: string; warnings: { code: string }[] }>(all.stdout).map((x) => [x.id, x.warnings.map((w) => w.code)])).toEqual([
      ['Ma', []],
      ['Mbig', ['too-large']],
    ]);
    expect((await runKmsdb(['get', '--path', dir, '--mailbox', 'jdoe'])).stderr).toBe('');
    // Not files, so never a record, whatever they hold: a folder, a link to one, a FIFO that a writer holds open.
    mkdirSync(join(dir, 'Mfolder.ini'));
    symlinkSync(tempDir(), join(dir, 'Mlinked.ini'));
    execFileSync('mkfifo', [join(dir, 'Mfifo.ini')]);
    const writer = spawn('sh', ['-c', 'exec 3<>"$0"; sleep 30', join(dir, 'Mfifo.ini')]);
    onTestFinished(() => void writer.kill());
    const again = await runKmsdb(['get', '--path', dir, '--format', 'ndjson', '--mailbox', 'bigguy', '--mailbox', 'jdoe']);
    expect(again.stderr).toBe(r.stderr);
  });

  it('names no pattern when every one matched over several paths', async () => {
    const other = makeDb({ 'Mz.ini': recordText({ alias: 'zed', state: 1, numSCerts: null, certLength: 40 }) });
    const r = await runKmsdb(['get', '--path', db(), '--path', other, '--format', 'ndjson', '--mailbox', 'zed', '--mailbox', 'jdoe']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(ndjson<{ id: string }>(r.stdout).map((x) => x.id)).toEqual(['M3', 'Mz']);
  });
});

describe('kmsdb get: output', () => {
  it('prints one JSON document by default, valid against the contract', async () => {
    const dir = makeDb({ 'Ma.ini': AFFECTED, 'Mb.ini': '[Client]\nState = 1\n' });
    const r = await runKmsdb(['get', '--path', dir]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expectValid('getOutput', doc);
    expect(doc.records.map((x: KmsRecord) => x.id)).toEqual(['Ma', 'Mb']);
  });

  it('writes progress lines on stderr with --progress', async () => {
    const dir = makeDb({ 'Ma.ini': AFFECTED, 'Mb.ini': AFFECTED });
    const r = await runKmsdb(['get', '--path', dir, '--progress', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const lines = ndjson<{ type: string; done: number; total: number }>(r.stderr);
    expect(lines.at(0)).toMatchObject({ type: 'progress', done: 0, total: 2 });
    expect(lines.at(-1)).toMatchObject({ type: 'progress', done: 2, total: 2 });
    expect(ndjson(r.stdout)).toHaveLength(2);
  });
});

describe('kmsdb get: exit codes', () => {
  it.each([
    [['get'], 2, /--path is required/],
    [['get', '--path'], 2, /--path/],
    [['get', '--path', '.', '--format', 'xml'], 2, /--format must be json or ndjson/],
    [['get', '--path', '.', '--frobnicate'], 2, /Unknown option '--frobnicate'/],
    [['get', '--path', '.', 'extra'], 2, /Unexpected argument 'extra'/],
    [['launch'], 2, /Unknown command 'launch'/],
    [[], 2, /Usage:/],
    [
      ['get', '--path', '/nonexistent/Mgrent/Clients'],
      3,
      /^kmsdb: The database path \/nonexistent\/Mgrent\/Clients cannot be read: it does not exist\.\n$/,
    ],
  ])('%j exits %i with a one-line message', async (args, code, message) => {
    const r = await runKmsdb(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 3 for a database folder it cannot list', async () => {
    const dir = makeDb({});
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const r = await runKmsdb(['get', '--path', join(file, 'Clients')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot be read: a part of the path is not a folder/);
  });

  it('prints the version and the usage', async () => {
    const v = await runKmsdb(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runKmsdb(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/kmsdb get/);
  });
});

describe('kmsdb get: streaming into a pipe', () => {
  const big = (count: number) => {
    const dir = join(tempDir(), 'Clients');
    mkdirSync(dir);
    for (let i = 0; i < count; i++)
      writeFileSync(join(dir, recordFileName(i)), `[Client]\r\nState = ${i % 100 === 0 ? 4 : 1}\r\nAlias = u${i}\r\n`);
    return dir;
  };

  it('delivers every one of 100,000 records through a pipe', { timeout: 180_000 }, async () => {
    const dir = big(100_000);
    const count = await new Promise<number>((resolve, reject) => {
      const [cmd, ...pre] = KMSDB as [string, ...string[]];
      const child = spawn('sh', ['-c', '"$@" | wc -l', 'sh', cmd, ...pre, 'get', '--path', dir, '--format', 'ndjson']);
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(Number(out.trim())));
    });
    expect(count).toBe(100_000);
  });

  it('writes the first records before the scan ends', { timeout: 120_000 }, async () => {
    const dir = big(20_000);
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn(cmd, [...pre, 'get', '--path', dir, '--format', 'ndjson']);
    const firstChunk = await new Promise<{ text: string; running: boolean }>((resolve) =>
      child.stdout.once('data', (b: Buffer) => resolve({ text: b.toString(), running: child.exitCode === null })),
    );
    expect(firstChunk.running).toBe(true);
    expect(JSON.parse(firstChunk.text.split('\n')[0] ?? '')).toMatchObject({ path: expect.stringContaining(dir) });
    child.stdout.resume();
    await new Promise((resolve) => child.on('close', resolve));
  });

  it('stops quietly when the reader goes away', async () => {
    const dir = big(5_000);
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const r = await new Promise<{ stderr: string; out: string }>((resolve) => {
      const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const child = spawn(
        'sh',
        ['-c', `${[cmd, ...pre].map(q).join(' ')} get --path ${q(dir)} --format ndjson 2>err.txt | head -n 1; cat err.txt`],
        { cwd: tempDir() },
      );
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.on('close', () => resolve({ out, stderr: '' }));
    });
    const lines = r.out.split('\n').filter(Boolean);
    expect(JSON.parse(lines[0] ?? '')).toHaveProperty('id');
    expect(lines.slice(1).join('\n')).not.toMatch(/internal error|EPIPE|at /);
  });
});

describe('kmsdb get: reading on several threads', () => {
  const MANY = 24_000;
  let dir = '';
  const many = () => {
    if (dir) return dir;
    dir = join(tempDir(), 'Clients');
    mkdirSync(dir);
    for (let i = 0; i < MANY; i++) {
      const name = recordFileName(i);
      if (i % 997 === 5) writeFileSync(join(dir, name), utf16(`[Client]\r\nDisplayName = Jos\u00e9 ${i}\r\nState = 4\r\n`));
      else
        writeFileSync(
          join(dir, name),
          `[Client]\r\nState = ${i % 100 === 7 ? 4 : 1}\r\nAlias = user${i}\r\n${i % 5000 === 0 ? 'State = 1\r\n' : ''}`,
        );
    }
    mkdirSync(join(dir, 'Msubfolder.ini'));
    return dir;
  };
  const strip = (text: string) => text.replace(/"lastWriteTime":"[^"]*"/g, '');

  it.each([
    ['every record', []],
    ['--affected', ['--affected']],
    ['--mailbox', ['--mailbox', 'user1*', '--mailbox', 'JOSÉ 5']],
  ])('prints exactly what one thread prints, in the same order: %s', { timeout: 120_000 }, async (_, filter) => {
    const traceFile = join(tempDir(), 'trace.ndjson');
    const one = await runKmsdb(['get', '--path', many(), '--format', 'ndjson', '--threads', '1', ...filter], {
      env: { KMSDB_TRACE_FILE: traceFile },
    });
    const two = await runKmsdb(['get', '--path', many(), '--format', 'ndjson', '--threads', '3', ...filter], {
      env: { KMSDB_TRACE_FILE: traceFile },
    });
    const traces = ndjson<{ readers?: number }>(readFileSync(traceFile, 'utf8'));
    expect(traces.flatMap((t) => (t.readers ? [t.readers] : []))).toEqual([3]);
    expect(two.code).toBe(0);
    expect(two.stderr).toBe('');
    expect(strip(two.stdout)).toBe(strip(one.stdout));
    expect(ndjson(one.stdout).length).toBeGreaterThan(0);
  });

  /** get with `filter` on one thread, then on three (seen to be used, in the trace). */
  const oneAndThree = async (filter: string[]) => {
    const traceFile = join(tempDir(), 'trace.ndjson');
    const one = await runKmsdb(['get', '--path', many(), '--format', 'ndjson', '--threads', '1', ...filter]);
    const two = await runKmsdb(['get', '--path', many(), '--format', 'ndjson', '--threads', '3', ...filter], {
      env: { KMSDB_TRACE_FILE: traceFile },
    });
    expect(ndjson<{ readers?: number }>(readFileSync(traceFile, 'utf8')).flatMap((t) => (t.readers ? [t.readers] : []))).toEqual([3]);
    return { one, two };
  };

  it('names the --mailbox patterns that match no record as one thread does', { timeout: 120_000 }, async () => {
    // user23999 is the last file's, user1 the first chunk's; the others match nothing.
    const filter = ['--mailbox', 'user23999', '--mailbox', 'nobody', '--mailbox', 'user1', '--mailbox', 'user24000', '--affected'];
    const { one, two } = await oneAndThree(filter);
    const expected =
      "kmsdb: warning: No record has a mailbox that matches 'nobody'.\nkmsdb: warning: No record has a mailbox that matches 'user24000'.\n";
    expect(one.stderr).toBe(expected);
    expect(two.stderr).toBe(expected);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(strip(two.stdout)).toBe(strip(one.stdout));
  });

  it('counts the files it could not read as one thread does', { timeout: 120_000 }, async () => {
    // Two files too large to read, in different chunks; removed again, as the other tests share the folder.
    const big = [join(many(), 'M0000big.ini'), join(many(), 'Mzzzzbig.ini')];
    try {
      for (const file of big) {
        writeFileSync(file, '[Client]\r\nAlias = bigguy\r\n');
        truncateSync(file, 2 * 1024 * 1024);
      }
      const filter = ['--mailbox', 'bigguy', '--mailbox', 'user1'];
      const { one, two } = await oneAndThree(filter);
      const expected =
        "kmsdb: warning: No record that could be read has a mailbox that matches 'bigguy': " +
        '2 files could not be read, and it may be one of them: a listing with no mailbox or state filter names each, with why.\n';
      expect(one.stderr).toBe(expected);
      expect(two.stderr).toBe(expected);
      expect(strip(two.stdout)).toBe(strip(one.stdout));
    } finally {
      for (const file of big) rmSync(file);
    }
  });

  it('prints one valid JSON document, and progress up to the last file', { timeout: 120_000 }, async () => {
    const r = await runKmsdb(['get', '--path', many(), '--threads', '2', '--progress']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expectValid('getOutput', doc);
    expect(doc.records).toHaveLength(MANY);
    const progress = ndjson<{ done: number; total: number }>(r.stderr);
    expect(progress.at(-1)).toMatchObject({ done: MANY + 1, total: MANY + 1 });
  });

  it('stops quietly when the reader goes away mid-scan', { timeout: 120_000 }, async () => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const out = execFileSync(
      'sh',
      ['-c', `${[cmd, ...pre].map(q).join(' ')} get --path ${q(many())} --format ndjson --threads 2 2>&1 | head -n 3`],
      { encoding: 'utf8' },
    );
    expect(out.trim().split('\n')).toHaveLength(3);
    expect(out).not.toMatch(/internal error|EPIPE|Error/);
  });

  it('starts its reader threads while it is still listing the folder', { timeout: 120_000 }, async () => {
    const traceFile = join(tempDir(), 'trace.ndjson');
    const r = await runKmsdb(['get', '--path', many(), '--affected', '--threads', '2'], { env: { KMSDB_TRACE_FILE: traceFile } });
    expect(r.code).toBe(0);
    const events = ndjson<{ readers?: number; listed?: number }>(readFileSync(traceFile, 'utf8')).filter((e) => e.readers ?? e.listed);
    expect(events.map((e) => (e.readers ? 'readers' : 'listed'))).toEqual(['readers', 'listed']);
    expect(events[1]?.listed).toBe(MANY + 1); // and the folder named like a record
  });

  it('lets its reader threads go when a later --path cannot be read, and says why', { timeout: 120_000 }, async () => {
    const missing = join(tempDir(), 'NoSuchClients');
    const traceFile = join(tempDir(), 'trace.ndjson');
    const r = await runKmsdb(['get', '--path', many(), '--path', missing], { env: { KMSDB_TRACE_FILE: traceFile } });
    expect(readFileSync(traceFile, 'utf8')).toMatch(/"readers":\d/);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`kmsdb: The database path ${missing} cannot be read: it does not exist.\n`);
    expect(r.code).toBe(3);
  });

  it('refuses a bad --threads', async () => {
    const r = await runKmsdb(['get', '--path', '.', '--threads', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads must be a whole number from 1 to 64/);
  });
});

describe('kmsdb get: at a terminal', () => {
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  /** Runs kmsdb with stdout on a pseudo-terminal (util-linux's script), as at a console; the terminal ends lines in CRLF. */
  function atTerminal(args: string[]): { code: number | null; stdout: string } {
    const r = spawnSync('script', ['-qec', [...KMSDB, ...args].map(quote).join(' '), '/dev/null'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    expect(r.error, 'script (util-linux) is needed to give kmsdb a terminal').toBeUndefined();
    return { code: r.status, stdout: r.stdout.replace(/\r\n/g, '\n') };
  }

  it('prints a table and how many records are stuck', () => {
    const dir = makeDb({ 'Ma.ini': AFFECTED, 'Mb.ini': '[Client]\r\nAlias = bob\r\nState = 1\r\n' });
    const r = atTerminal(['get', '--path', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'ID                MAILBOX                             STATE        NUMSCERTS    STUCK  WARNINGS',
      'Ma                …oso/ou=Site/cn=Recipients/cn=jdoe  4 Recovery   -            yes',
      'Mb                bob                                 1 Undefined  -            no',
      '1 of 2 records is stuck.',
      '',
    ]);
  });

  it('prints JSON with --format, byte for byte what a pipe gets', async () => {
    const dir = makeDb({ 'Ma.ini': AFFECTED, 'Mb.ini': utf16('[Client]\r\nState = 1\r\n') });
    for (const format of ['json', 'ndjson']) {
      const piped = await runKmsdb(['get', '--path', dir, '--format', format]);
      expect(atTerminal(['get', '--path', dir, '--format', format]).stdout).toBe(piped.stdout);
    }
    expect((await runKmsdb(['get', '--path', dir])).stdout).toBe((await runKmsdb(['get', '--path', dir, '--format', 'json'])).stdout);
  });
});

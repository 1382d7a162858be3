import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import type { KmsRecord } from '../../src/records/record.js';
import { expectValid } from '../helpers/contract.js';
import { makeDb, ndjson, runKmsdb, tempDir } from '../helpers/db.js';

const STUCK = '[Client]\r\nDisplayName = O\'Brien "Jr" $HOME `x` ; & | %TEMP%\r\nState = 4\r\n';

describe('kmsdb --request -', () => {
  it('runs get with paths and patterns that no command line could quote', async () => {
    const root = tempDir();
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': '[Client]\r\nState = 1\r\n' });
    const odd = join(root, 'a "quoted" $dir & more');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(odd);
    writeFileSync(join(odd, 'Mc.ini'), STUCK, 'latin1');
    const r = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'get', path: [dir, odd], mailbox: ['O\'Brien "Jr" $HOME `x` ; & | %TEMP%'], format: 'ndjson' }),
    });
    expect(r.stderr).toBe('{"type":"exit","code":0}\n');
    expect(r.code).toBe(0);
    const records = ndjson<KmsRecord>(r.stdout);
    for (const x of records) expectValid('record', x);
    expect(records.map((x) => x.path)).toEqual([join(dir, 'Ma.ini'), join(odd, 'Mc.ini')]);
  });

  it('names each get --mailbox pattern that matches no record in a not-found event, valid against the contract', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': '[Client]\r\nAlias = done\r\nState = 1\r\n' });
    const r = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'get', path: [dir], mailbox: ['jdeo', 'done', 'nob*dy'], affected: true, format: 'ndjson' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const event of lines) expectValid('event', event);
    // 'done' names a record that is not stuck: it exists, so it is no typo.
    expect(lines).toEqual([
      { type: 'not-found', mailbox: 'jdeo', message: "No record has a mailbox that matches 'jdeo'." },
      { type: 'not-found', mailbox: 'nob*dy', message: "No record has a mailbox that matches 'nob*dy'." },
      { type: 'exit', code: 0 },
    ]);
  });

  it('runs reset with its records in the request', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    const got = ndjson<KmsRecord>((await runKmsdb(['get', '--path', dir, '--format', 'ndjson'])).stdout);
    const r = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({
        command: 'reset',
        path: dir,
        records: got.slice(0, 1).map(({ path, sha256 }) => ({ path, sha256 })),
        format: 'ndjson',
      }),
    });
    expect(r.code).toBe(0);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.status])).toEqual([['Ma', 'reset']]);
    expect(readFileSync(join(dir, 'Mb.ini'), 'latin1')).toBe(STUCK);
  });

  it.each([
    ['not JSON', 'nope', /the request on stdin is not JSON/],
    ['an unknown command', '{"command":"delete","path":"x"}', /the request at \/command must be one of: "get", "reset"/],
    ['a misspelt option', '{"command":"get","path":["x"],"mailboxes":["a"]}', /the request has an unknown property 'mailboxes'/],
    ['a path that is not a list for get', '{"command":"get","path":"x"}', /the request at \/path must be of type array/],
    [
      'no path and no settings',
      '{"command":"reset","whatIf":true,"config":"/nonexistent/kmsdb.ini"}',
      /settings file \/nonexistent\/kmsdb.ini cannot be read: it does not exist/,
    ],
  ])('exits 2 on %s', async (_, stdin, message) => {
    const r = await runKmsdb(['--request', '-'], { stdin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.endsWith('\n{"type":"exit","code":2}\n')).toBe(true);
    expect(r.stdout).toBe('');
  });

  it('ends stderr with the exit code it chose, as its last line, only in request mode', async () => {
    const dir = makeDb({ 'Ma.ini': '[Client]\r\nState = 4\r\nNumSCerts = 1\r\n' });
    const refused = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'reset', path: dir, id: ['Ma'], format: 'ndjson' }),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe('{"type":"exit","code":1}');
    const missing = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'get', path: [join(dir, 'nope')], format: 'ndjson' }),
    });
    // A path that does not exist says so, for the requester's error (KmsDatabaseNotFound, not KmsDatabaseUnavailable).
    expect(missing.stderr.trim().split('\n').at(-1)).toBe(`{"type":"exit","code":${missing.code},"reason":"database-not-found"}`);
    expect(missing.code).toBe(3);
    const plain = await runKmsdb(['get', '--path', join(dir, 'nope')]);
    expect(plain.stderr).not.toMatch(/"type":"exit"/);
  });

  it.each([
    ['get', { command: 'get', config: 'SETTINGS' }],
    ['reset', { command: 'reset', mailbox: ['jdoe'], config: 'SETTINGS' }],
    ['restore', { command: 'restore', backup: ['/x/Ma.ini.20261125T101500123Z.bak'], config: 'SETTINGS' }],
  ])('says that %s was given no database, in its exit event, for the requester (KmsDatabaseNotGiven)', async (_, request) => {
    const settings = join(tempDir(), 'kmsdb.ini');
    writeFileSync(settings, '[defaults]\nbackupDir = /somewhere\n');
    const r = await runKmsdb(['--request', '-'], { stdin: JSON.stringify({ ...request, config: settings }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--path is required \(or a database in the settings file\)/);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('{"type":"exit","code":2,"reason":"database-not-given"}');
  });

  it('tells a reset or restore requester where the backups and the audit log go, as kmsdb resolved them', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const elsewhere = tempDir();
    const events = (stderr: string) =>
      stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const byDefault = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'reset', path: dir, id: ['Ma'], format: 'ndjson' }),
    });
    expect(byDefault.code).toBe(0);
    for (const event of events(byDefault.stderr)) expectValid('event', event);
    const db = realpathSync(dir);
    expect(events(byDefault.stderr)).toEqual([
      { type: 'folders', database: db, backupDir: `${db}.kmsdb-backup`, log: join(`${db}.kmsdb-backup`, 'kmsdb-audit.log') },
      { type: 'exit', code: 0 },
    ]);
    // A restore takes its backups from the backup folder it is given, and logs where it is told.
    const backupDir = `${db}.kmsdb-backup`;
    const log = join(elsewhere, 'audit.log');
    const restore = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({
        command: 'restore',
        path: dir,
        fromLog: join(`${db}.kmsdb-backup`, 'kmsdb-audit.log'),
        backupDir,
        log,
        format: 'ndjson',
      }),
    });
    expect(restore.code).toBe(0);
    expect(events(restore.stderr)[0]).toEqual({ type: 'folders', database: db, backupDir, log });
    // A plain command line gets no events: its stderr is for people.
    expect((await runKmsdb(['reset', '--path', dir, '--id', 'Ma'])).stderr).not.toMatch(/"type":"folders"/);
  });

  it('takes allowNumSCerts for reset, and no force', async () => {
    const dir = makeDb({ 'Ma.ini': '[Client]\r\nState = 4\r\nNumSCerts = 1\r\n' });
    const force = await runKmsdb(['--request', '-'], { stdin: JSON.stringify({ command: 'reset', path: dir, id: ['Ma'], force: true }) });
    expect(force.code).toBe(2);
    expect(force.stderr).toMatch(/unknown property 'force'/);
    const allowed = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'reset', path: dir, id: ['Ma'], allowNumSCerts: true, format: 'ndjson' }),
    });
    expect(allowed.code).toBe(0);
    expect(ndjson<ChangeResult>(allowed.stdout)[0]).toMatchObject({ status: 'reset', previousState: 4, state: 1 });
  });

  it('records every start in KMSDB_TRACE_FILE', async () => {
    const trace = join(tempDir(), 'trace.ndjson');
    await runKmsdb(['--version'], { env: { KMSDB_TRACE_FILE: trace } });
    await runKmsdb(['--help'], { env: { KMSDB_TRACE_FILE: trace } });
    const events = ndjson<{ argv?: string[]; exit?: number; time: number }>(readFileSync(trace, 'utf8'));
    expect(events.map((t) => t.argv ?? { exit: t.exit })).toEqual([['--version'], { exit: 0 }, ['--help'], { exit: 0 }]);
    expect(events.every((t, i) => Number.isInteger(t.time) && (i === 0 || t.time >= events[i - 1]!.time))).toBe(true);
  });
});

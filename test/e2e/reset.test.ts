import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import type { AuditEntry } from '../../src/safety/audit.js';
import { expectValid } from '../helpers/contract.js';
import { ansi, makeDb, ndjson, runKmsdb, tempDir, utf16 } from '../helpers/db.js';

const STUCK = '[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=jdoe\r\nState = 4\r\n';

/** The bytes of a file with the one character at `at` of `was` replaced by `now`. */
function resetBytes(original: Buffer, marker = 'State = 4'): Buffer {
  const copy = Buffer.from(original);
  const at = copy.indexOf(marker, 0, 'latin1') + marker.length - 1;
  copy[at] = 0x31;
  return copy;
}

async function reset(dir: string, args: string[], stdin?: string) {
  const r = await runKmsdb(['reset', '--path', dir, '--format', 'ndjson', ...args], stdin === undefined ? {} : { stdin });
  const results = ndjson<ChangeResult>(r.stdout);
  for (const x of results) expectValid('resetResult', x);
  return { ...r, results };
}

function snapshot(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n))]));
}

const backupDirOf = (dir: string) => join(dirname(dir), `${basename(dir)}.kmsdb-backup`);

describe('kmsdb reset: the KB procedure', () => {
  it('get --affected | reset --stdin resets exactly the stuck records, with backup and log', async () => {
    const dir = makeDb({
      'Ma.ini': STUCK,
      'Mb.ini': STUCK.replace('jdoe', 'asmith') + 'NumSCerts = 2\r\n',
      'Mc.ini': '[Client]\r\nState = 1\r\n',
    });
    const before = snapshot(dir);
    const get = await runKmsdb(['get', '--path', dir, '--affected', '--format', 'ndjson']);
    const r = await reset(dir, ['--stdin'], get.stdout);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ id: 'Ma', status: 'reset', previousState: 4, state: 1, code: null });

    expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(resetBytes(before['Ma.ini']!));
    expect(readFileSync(join(dir, 'Mb.ini'))).toEqual(before['Mb.ini']);
    expect(readFileSync(join(dir, 'Mc.ini'))).toEqual(before['Mc.ini']);
    expect(readdirSync(dir).sort()).toEqual(['Ma.ini', 'Mb.ini', 'Mc.ini']);

    const backupPath = r.results[0]!.backupPath!;
    expect(dirname(backupPath)).toBe(backupDirOf(dir));
    expect(backupPath).toMatch(/Ma\.ini\.\d{8}T\d{9}Z\.bak$/);
    expect(readFileSync(backupPath)).toEqual(before['Ma.ini']);

    const log = ndjson<AuditEntry>(readFileSync(join(backupDirOf(dir), 'kmsdb-audit.log'), 'utf8'));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      event: 'reset',
      id: 'Ma',
      path: join(dir, 'Ma.ini'),
      host: hostname(),
      previousState: 4,
      state: 1,
      sha256Before: r.results[0]!.sha256Before,
      sha256After: r.results[0]!.sha256After,
      backupPath,
    });
    expect(Date.parse(log[0]!.time)).not.toBeNaN();
    expect(log[0]!.user).not.toBe('');
  });

  it('accepts the JSON document too, and a rerun is safe', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    const doc = (await runKmsdb(['get', '--path', dir, '--affected'])).stdout;
    const first = await reset(dir, ['--stdin'], doc);
    expect(first.code).toBe(0);
    expect(first.results.map((x) => x.status)).toEqual(['reset', 'reset']);
    const again = await reset(dir, ['--id', 'Ma', '--id', 'Mb']);
    expect(again.code).toBe(0);
    expect(again.results.map((x) => x.status)).toEqual(['unchanged', 'unchanged']);
    expect(readdirSync(backupDirOf(dir)).filter((n) => n.endsWith('.bak'))).toHaveLength(2);
  });

  it('refuses a record that changed since it was read', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const get = (await runKmsdb(['get', '--path', dir, '--format', 'ndjson'])).stdout;
    writeFileSync(join(dir, 'Ma.ini'), ansi(`${STUCK}Note = edited\r\n`));
    const r = await reset(dir, ['--stdin'], get);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'changed-since-read' });
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(`${STUCK}Note = edited\r\n`);
  });

  it('selects records with --mailbox and --id', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'MB.INI': STUCK.replace('jdoe', 'user3'), 'Mc.ini': STUCK.replace('jdoe', 'user30') });
    const byMailbox = await reset(dir, ['--mailbox', 'user3']);
    expect(byMailbox.results.map((x) => [x.id, x.status])).toEqual([['MB', 'reset']]);
    const byId = await reset(dir, ['--id', 'mc']);
    expect(byId.results.map((x) => [x.id, x.status])).toEqual([['Mc', 'reset']]);
    const missing = await reset(dir, ['--id', 'Mnone']);
    expect(missing.code).toBe(1);
    expect(missing.results[0]).toMatchObject({ status: 'failed', code: 'not-found' });
  });

  it('refuses each --mailbox pattern that matches no record (a typo) once, and resets what the others match', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK.replace('jdoe', 'asmith') });
    const r = await reset(dir, [
      '--mailbox',
      'jdoe',
      '--mailbox',
      'jdoo',
      '--mailbox',
      'nobody*',
      '--mailbox',
      'JDOO',
      '--mailbox',
      'jdoo',
    ]);
    expect(r.code).toBe(1);
    expect(r.results.map((x) => [x.id, x.status, x.code, x.mailbox])).toEqual([
      ['Ma', 'reset', null, '/o=Contoso/ou=Site/cn=Recipients/cn=jdoe'],
      ['', 'skipped', 'not-found', 'jdoo'],
      ['', 'skipped', 'not-found', 'nobody*'],
    ]);
    expect(r.results[1]).toMatchObject({ path: realpathSync(dir), message: "No record has a mailbox that matches 'jdoo'." });
    expect(readFileSync(join(dir, 'Mb.ini'), 'latin1')).toBe(STUCK.replace('jdoe', 'asmith'));
  });

  it('says, refusing a pattern that matches no record it could read, how many files it could not read', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    writeFileSync(join(dir, 'Mbig.ini'), STUCK.replace('jdoe', 'bigguy'));
    truncateSync(join(dir, 'Mbig.ini'), 2 * 1024 * 1024);
    const r = await reset(dir, ['--mailbox', 'bigguy']);
    expect(r.code).toBe(1);
    expect(r.results.map((x) => [x.id, x.status, x.code, x.message])).toEqual([
      [
        '',
        'skipped',
        'not-found',
        "No record that could be read has a mailbox that matches 'bigguy': 1 file could not be read, and it may be one of them: " +
          'a listing with no mailbox or state filter names each, with why.',
      ],
    ]);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });
});

describe('kmsdb reset: rules', () => {
  const cases = {
    'Mcerts.ini': '[Client]\r\nState = 4\r\nNumSCerts = 1\r\n',
    'Mother.ini': '[Client]\r\nState = 2\r\n',
    'Mdup.ini': '[Client]\r\nState = 4\r\n[X]\r\nstate = 4\r\n',
    'Msplit.ini': '[Client]\r\nState = 4\r\nNumSCerts = 1\r\n[X]\r\nNumSCerts = 2\r\n',
    'Mnone.ini': 'Alias = x\r\n',
    'Mword.ini': '[Client]\r\nState = four\r\n',
    'Moutside.ini': 'State = 4\r\n[Client]\r\nAlias = x\r\n',
    'Mtrail.ini': '[Client]\r\nState = 4x\r\n',
    'Mhex.ini': '[Client]\r\nState = 0x4\r\n',
    'Mzero.ini': '[Client]\r\nState = 04\r\n',
    'Mempty.ini': '',
  };

  it.each([
    ['Mcerts', 'skipped', 'has-certificates'],
    ['Mother', 'skipped', 'unexpected-state'],
    ['Mdup', 'skipped', 'ambiguous'],
    ['Mnone', 'skipped', 'no-state'],
    ['Msplit', 'skipped', 'ambiguous'],
    ['Mword', 'skipped', 'unexpected-state'],
    ['Moutside', 'skipped', 'no-state'],
    ['Mhex', 'skipped', 'unusual-state-value'],
    ['Mtrail', 'skipped', 'unusual-state-value'],
    ['Mzero', 'skipped', 'unusual-state-value'],
    ['Mempty', 'failed', 'empty'],
  ])('%s is %s (%s) and left byte-for-byte alone, exit 1', async (id, status, code) => {
    const dir = makeDb(cases);
    const before = snapshot(dir);
    const r = await reset(dir, ['--id', id]);
    expect(r.code).toBe(1);
    expect(r.results).toEqual([expect.objectContaining({ id, status, code })]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a record whose State hangs on section names that differ only in non-ASCII case, unless --allow-ambiguous', async () => {
    const dir = makeDb({ 'Mcase.ini': Buffer.from('[\xc9]\r\nAlias = x\r\n[\xe9]\r\nState = 4\r\n', 'latin1') });
    const before = snapshot(dir);
    const r = await reset(dir, ['--id', 'Mcase']);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'skipped', code: 'ambiguous' });
    expect(r.results[0]?.message).toMatch(/non-ASCII case/);
    expect(snapshot(dir)).toEqual(before);
    const forced = await reset(dir, ['--allow-ambiguous', '--id', 'Mcase']);
    expect(forced.results[0]).toMatchObject({ status: 'reset' });
  });

  it('refuses binary content', async () => {
    const dir = makeDb({ 'Mbin.ini': Buffer.from('State = 4\r\n\0\0\0', 'latin1') });
    const r = await reset(dir, ['--id', 'Mbin']);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'binary' });
  });

  it('--force is not the NumSCerts override: it is no option of reset', async () => {
    const dir = makeDb(cases);
    const before = snapshot(dir);
    const r = await reset(dir, ['--force', '--id', 'Mcerts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--force'/);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([
    [['--allow-numscerts'], ['Mcerts.ini']],
    [['--allow-ambiguous'], []],
    [
      ['--allow-numscerts', '--allow-ambiguous'],
      ['Mcerts.ini', 'Msplit.ini'],
    ],
  ])('%s resets what it names, and nothing else it refuses', async (overrides, changed) => {
    const dir = makeDb(cases);
    const before = snapshot(dir);
    const r = await reset(dir, [...overrides, ...Object.keys(cases).flatMap((n) => ['--id', n.replace('.ini', '')])]);
    expect(r.code).toBe(1);
    const status = Object.fromEntries(r.results.map((x) => [x.id, x.status]));
    expect(status).toEqual({
      Mcerts: changed.includes('Mcerts.ini') ? 'reset' : 'skipped',
      Mother: 'skipped',
      Mdup: 'skipped',
      Msplit: changed.includes('Msplit.ini') ? 'reset' : 'skipped',
      Mnone: 'skipped',
      Mword: 'skipped',
      Moutside: 'skipped',
      Mtrail: 'skipped',
      Mhex: 'skipped',
      Mzero: 'skipped',
      Mempty: 'failed',
    });
    const after = snapshot(dir);
    for (const name of changed) expect(after[name], name).toEqual(resetBytes(before[name]!));
    for (const name of Object.keys(cases).filter((n) => !changed.includes(n))) expect(after[name], name).toEqual(before[name]);
  });

  it('--what-if reports and writes nothing: no backup, no log, no lock', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': '[Client]\r\nState = 1\r\n' });
    const before = snapshot(dir);
    const r = await reset(dir, ['--what-if', '--id', 'Ma', '--id', 'Mb']);
    expect(r.code).toBe(0);
    expect(r.results.map((x) => [x.status, x.previousState, x.state])).toEqual([
      ['whatif', 4, 1],
      ['unchanged', 1, 1],
    ]);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(backupDirOf(dir))).toBe(false);
  });
});

describe('kmsdb reset: byte-exact', () => {
  it.each([
    ['CRLF', ansi(STUCK)],
    ['LF', ansi(STUCK.replace(/\r\n/g, '\n'))],
    ['CR', ansi(STUCK.replace(/\r\n/g, '\r'))],
    ['no final newline', ansi(STUCK.trimEnd())],
    ['quotes and odd spacing', ansi('[client]\r\n  sTATE\t =\t"4"  \r\nDisplayName = José Müller €\r\n')],
    ['comments and #', ansi('[Client]\r\n; State = 1\r\n#State = 1\r\nState=4 \r\n')],
    ['Windows-1252 names', Buffer.from([...ansi('[Client]\r\nDisplayName = '), 0x80, 0x8a, 0xe9, ...ansi('\r\nState = 4\r\n')])],
  ])('keeps every byte but the State value: %s', async (_, bytes) => {
    const dir = makeDb({ 'Ma.ini': bytes });
    const r = await reset(dir, ['--id', 'Ma']);
    expect(r.results[0]?.status).toBe('reset');
    const after = readFileSync(join(dir, 'Ma.ini'));
    expect(after.length).toBe(bytes.length);
    const diff = [...after].flatMap((b, i) => (b === bytes[i] ? [] : [i]));
    expect(diff).toHaveLength(1);
    expect(String.fromCharCode(bytes[diff[0]!]!, after[diff[0]!]!)).toBe('41');
  });

  it('keeps UTF-16LE with its BOM', async () => {
    const text = '[Client]\r\nDisplayName = José Müller ΣΟΦΙΑ\r\nState = 4\r\n';
    const dir = makeDb({ 'Ma.ini': utf16(text) });
    await reset(dir, ['--id', 'Ma']);
    expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(utf16(text.replace('State = 4', 'State = 1')));
  });

  it('keeps the file mode', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    chmodSync(join(dir, 'Ma.ini'), 0o640);
    await reset(dir, ['--id', 'Ma']);
    expect(statSync(join(dir, 'Ma.ini')).mode & 0o777).toBe(0o640);
  });
});

describe('kmsdb reset: hostile input', () => {
  it('refuses paths outside the database folder, however they are spelled', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const outside = join(dirname(dir), 'Mout.ini');
    writeFileSync(outside, ansi(STUCK));
    symlinkSync(outside, join(dir, 'Mlink.ini'));
    const requests = [outside, join(dir, '..', 'Mout.ini'), '../Mout.ini', join(dir, 'Mlink.ini'), '/etc/passwd'];
    const r = await reset(dir, ['--stdin'], requests.map((path) => JSON.stringify({ path })).join('\n'));
    expect(r.code).toBe(1);
    expect(r.results.map((x) => x.code)).toEqual([
      'outside-database',
      'outside-database',
      'outside-database',
      'outside-database',
      'outside-database',
    ]);
    expect(readFileSync(outside, 'latin1')).toBe(STUCK);
  });

  it('refuses what is not a record file', async () => {
    const dir = makeDb({ 'Ma.txt': STUCK, 'sub.ini/': '' });
    const r = await reset(dir, ['--stdin'], [join(dir, 'Ma.txt'), join(dir, 'sub.ini')].map((path) => JSON.stringify({ path })).join('\n'));
    expect(r.results.map((x) => x.code)).toEqual(['not-a-record', 'not-a-record']);
  });

  it.each([[[]], [['--what-if']]])('refuses a read-only record, %j too: what-if says what a real run does', async (extra) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    chmodSync(join(dir, 'Ma.ini'), 0o444);
    const r = await reset(dir, ['--id', 'Ma', ...extra]);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'read-only' });
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });

  it.each([
    ['garbage', 'this is not json', /stdin line 1 is not JSON/],
    ['a bad line among good ones', '{"path":"Ma.ini"}\n{"path":\n', /stdin line 2 is not JSON/],
    ['no path', '{"id":"Ma"}', /stdin lacks the required property 'path'/],
    ['a path that is not a string', '{"path":42}', /stdin at \/path must be of type string/],
    ['a bad hash', '{"path":"Ma.ini","sha256":"abc"}', /stdin at \/sha256/],
    ['a wrong document', '{"records":{"path":"Ma.ini"}}', /stdin at \/records must be of type array/],
    ['an array', '[{"path":"Ma.ini"}]', /stdin must be of type object/],
    ['deep nesting', `${'['.repeat(100000)}${']'.repeat(100000)}`, /stdin/],
  ])('exits 2 on %s, with one line on stderr and no change', async (_, stdin, message) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await reset(dir, ['--stdin'], stdin);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    expect(existsSync(backupDirOf(dir))).toBe(false);
  });

  it('exits 2 on oversized input without changing anything', { timeout: 60_000 }, async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const line = `${JSON.stringify({ path: 'Ma.ini', pad: 'x'.repeat(1000) })}\n`;
    const r = await reset(dir, ['--stdin'], line.repeat(Math.ceil((129 * 1024 * 1024) / line.length)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than 128 MiB/);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });
});

describe('kmsdb reset: usage and exit codes', () => {
  it.each([
    [['reset'], 2, /--path is required/],
    [['reset', '--path', '.'], 2, /exactly one of --id, --mailbox or --stdin/],
    [['reset', '--path', '.', '--id', 'a', '--stdin'], 2, /exactly one of/],
    [['reset', '--path', '/nonexistent/Clients', '--id', 'a'], 3, /cannot be read: it does not exist/],
    [['reset', '--path', '.', '--id', 'a', '--wait', 'soon'], 2, /--wait must be a number/],
  ])('%j exits %i', async (args, code, message) => {
    const r = await runKmsdb(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 when --path names a file, or --backup-dir the folder itself', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    expect((await runKmsdb(['reset', '--path', join(dir, 'Ma.ini'), '--id', 'Ma'])).code).toBe(2);
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--backup-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--backup-dir must not be the database folder/);
  });

  // Bad input, not a missing database: the module would say KmsDatabaseNotFound for a database that is there.
  it.each([
    ['a device', () => '/dev/null'],
    ['a file', () => join(makeDb({ 'x.txt': 'x' }), 'x.txt')],
    ['a path through a file', () => join(makeDb({ 'x.txt': 'x' }), 'x.txt', 'backups')],
  ])('exits 2 when --backup-dir names %s, and changes nothing', async (_what, backupDir) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const target = backupDir();
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--backup-dir', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`--backup-dir ${target.replace(/[/.]/g, '\\$&')} is not a folder`));
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });

  it('writes backups and the log where it is told', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const elsewhere = tempDir();
    const r = await reset(dir, ['--id', 'Ma', '--backup-dir', join(elsewhere, 'b'), '--log', join(elsewhere, 'audit', 'log.jsonl')]);
    expect(dirname(r.results[0]!.backupPath!)).toBe(join(elsewhere, 'b'));
    expect(ndjson(readFileSync(join(elsewhere, 'audit', 'log.jsonl'), 'utf8'))).toHaveLength(1);
  });
});

describe('kmsdb reset: the lock', () => {
  const lockOf = (dir: string) => join(dir, '.kmsdb.lock');

  it('exits 4 while another live run holds the lock, naming it', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    writeFileSync(lockOf(dir), JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'reset' }));
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--wait', '0.3']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`locked by kmsdb reset \\(pid ${process.pid} on ${hostname()}`));
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });

  it('never presumes a lock from another host stale', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    writeFileSync(lockOf(dir), JSON.stringify({ pid: 1, host: 'other-server', started: '2026-01-01T00:00:00Z', command: 'reset' }));
    const r = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--wait', '0']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/on other-server/);
  });

  it('takes over the lock of a run that died on this host, and releases its own', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    writeFileSync(lockOf(dir), JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'reset' }));
    // A torn temp file of that dead run, in kmsdb's own form and over a minute old.
    const torn = join(dir, `.Ma.ini.${2 ** 22 + 17}-deadbeef.kmsdb-tmp`);
    writeFileSync(torn, 'torn');
    utimesSync(torn, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const r = await reset(dir, ['--id', 'Ma', '--wait', '0']);
    expect(r.code).toBe(0);
    expect(r.results[0]?.status).toBe('reset');
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });
});

describe('the record stays the same file', () => {
  it('through a reset and a restore: same inode, and a hard link elsewhere sees each change', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const file = join(dir, 'Ma.ini');
    const elsewhere = join(dirname(dirname(dir)), 'links');
    mkdirSync(elsewhere);
    linkSync(file, join(elsewhere, 'Ma-link.ini'));
    const { ino } = statSync(file);

    const { results } = await reset(dir, ['--id', 'Ma']);
    expect(results[0]).toMatchObject({ status: 'reset' });
    expect(statSync(file)).toMatchObject({ ino, nlink: 2 });
    expect(readFileSync(join(elsewhere, 'Ma-link.ini'))).toEqual(resetBytes(ansi(STUCK)));

    const restore = await runKmsdb(['restore', '--path', dir, '--backup', results[0]!.backupPath!, '--format', 'ndjson']);
    expect(restore.code, restore.stderr).toBe(0);
    expect(statSync(file)).toMatchObject({ ino, nlink: 2 });
    expect(readFileSync(join(elsewhere, 'Ma-link.ini'), 'latin1')).toBe(STUCK);
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });

  it('when a restore changes bytes in several places of a record of the same length', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const file = join(dir, 'Ma.ini');
    const { results } = await reset(dir, ['--id', 'Ma']);
    writeFileSync(file, ansi(STUCK.replace('jdoe', 'JDOE').replace('State = 4', 'State = 2')));
    const { ino } = statSync(file);
    // --force: the record was edited after its reset, which restore otherwise refuses.
    const restore = await runKmsdb(['restore', '--path', dir, '--backup', results[0]!.backupPath!, '--force', '--format', 'ndjson']);
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(file, 'latin1')).toBe(STUCK);
    expect(statSync(file).ino).toBe(ino);
  });

  it('but is replaced, whole and exact, when a restore changes its length', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const file = join(dir, 'Ma.ini');
    const { results } = await reset(dir, ['--id', 'Ma']);
    writeFileSync(file, ansi(`${STUCK}Edited = yes\r\n`));
    const restore = await runKmsdb(['restore', '--path', dir, '--backup', results[0]!.backupPath!, '--force', '--format', 'ndjson']);
    expect(restore.code, restore.stderr).toBe(0);
    expect(ndjson<ChangeResult>(restore.stdout)[0]).toMatchObject({ status: 'restored' });
    expect(readFileSync(file, 'latin1')).toBe(STUCK);
    expect(readdirSync(dir)).toEqual(['Ma.ini']);
  });
});

describe('kmsdb restore', () => {
  it('undoes the logged resets, and only those still as they were left', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK, 'Mc.ini': '[Client]\r\nState = 1\r\n' });
    const before = snapshot(dir);
    await reset(dir, ['--mailbox', '*']);
    writeFileSync(join(dir, 'Mb.ini'), ansi('State = 1\r\nEdited = yes\r\n'));
    const log = join(backupDirOf(dir), 'kmsdb-audit.log');

    const r = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--format', 'ndjson']);
    const results = ndjson<ChangeResult>(r.stdout);
    for (const x of results) expectValid('resetResult', x);
    expect(r.code).toBe(1);
    expect(results.map((x) => [x.id, x.status, x.code])).toEqual([
      ['Ma', 'restored', null],
      ['Mb', 'skipped', 'changed-since-reset'],
    ]);
    expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(before['Ma.ini']);
    expect(readFileSync(results[0]!.backupPath!)).toEqual(resetBytes(before['Ma.ini']!));
    const events = ndjson<AuditEntry>(readFileSync(log, 'utf8')).map((e) => `${e.event}:${e.id}`);
    expect(events).toEqual(['reset:Ma', 'reset:Mb', 'restore:Ma']);
  });

  it('restores one backup file, and says unchanged when it is already there', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const { results } = await reset(dir, ['--id', 'Ma']);
    const backup = results[0]!.backupPath!;
    const first = await runKmsdb(['restore', '--path', dir, '--backup', backup, '--format', 'ndjson']);
    expect(first.code).toBe(0);
    expect(ndjson<ChangeResult>(first.stdout)[0]).toMatchObject({ status: 'restored', previousState: 1, state: 4 });
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    const second = await runKmsdb(['restore', '--path', dir, '--backup', backup, '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(second.stdout)[0]).toMatchObject({ status: 'unchanged' });
  });

  it.each([
    [['restore', '--path', '.'], /exactly one of --backup FILE, --from-log FILE or --stdin/],
    [['restore', '--path', '.', '--backup', 'x.txt'], /is not a kmsdb backup/],
    [['restore', '--path', '.', '--id', 'Ma', '--backup', 'Ma.ini.20260101T000000000Z.bak'], /--id goes with --from-log/],
  ])('%j exits 2', async (args, message) => {
    const r = await runKmsdb(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('kmsdb restore --what-if', () => {
  it('reports what it would put back and writes nothing', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const { results } = await reset(dir, ['--id', 'Ma']);
    const after = snapshot(dir);
    const log = join(backupDirOf(dir), 'kmsdb-audit.log');
    const logBefore = readFileSync(log, 'utf8');
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--what-if', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(ndjson<ChangeResult>(r.stdout)[0]).toMatchObject({ id: 'Ma', status: 'whatif', previousState: 1, state: 4 });
    expect(snapshot(dir)).toEqual(after);
    expect(readFileSync(log, 'utf8')).toBe(logBefore);
    expect(readdirSync(backupDirOf(dir)).filter((n) => n.endsWith('.bak'))).toEqual([basename(results[0]!.backupPath!)]);
  });

  it('refuses a read-only record as a real run does', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    await reset(dir, ['--id', 'Ma']);
    chmodSync(join(dir, 'Ma.ini'), 0o444);
    const log = join(backupDirOf(dir), 'kmsdb-audit.log');
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--what-if', '--format', 'ndjson']);
    expect(r.code).toBe(1);
    expect(ndjson<ChangeResult>(r.stdout)[0]).toMatchObject({ id: 'Ma', status: 'failed', code: 'read-only' });
  });
});

// A request with `confirm`: kmsdb plans, the requester answers, and exactly the
// confirmed records change. This is how the PowerShell module asks before any
// record reaches a backup, the log or the disk.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import { backupDirOf, logOf, snapshot, STUCK } from '../helpers/change.js';
import { expectValid } from '../helpers/contract.js';
import { KMSDB, makeDb, ndjson, runKmsdb, tempDir } from '../helpers/db.js';
import { cannotRun } from '../helpers/tools.js';

// Each names its user, so that --mailbox '*' selects it.
const ENROLLED = '[Client]\r\nAlias = enrolled\r\nState = 4\r\nNumSCerts = 1\r\n';
const TWICE = '[Client]\r\nAlias = twice\r\nState = 4\r\nState = 4\r\n';
const TWO_SECTIONS = '[Client]\r\nAlias = split\r\nState = 4\r\n[A]\r\nNumSCerts = 1\r\n[B]\r\nNumSCerts = 2\r\n';
const DONE = '[Client]\r\nAlias = done\r\nState = 1\r\n';

interface Conversation {
  code: number | null;
  plan: ChangeResult[];
  results: ChangeResult[];
  stderr: string;
  /** What the database held when the plan ended, before the answer. */
  atPlan: Record<string, string> | null;
}

/**
 * Sends `request` with confirm, waits for the plan, runs `between` (the time a
 * person takes to answer), then sends `answer(plan)`; null closes stdin unanswered.
 */
function converse(
  request: Record<string, unknown>,
  answer: (plan: ChangeResult[]) => string | null,
  between: () => void = () => {},
  watch?: string,
): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn(cmd, [...pre, '--request', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let answered = false;
    let atPlan: Record<string, string> | null = null;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (answered || !out.includes('{"type":"plan-end"}\n')) return;
      answered = true;
      const plan = ndjson<ChangeResult>(out.slice(0, out.indexOf('{"type":"plan-end"}')));
      if (watch) atPlan = snapshot(watch);
      between();
      const reply = answer(plan);
      child.stdin.end(reply === null ? '' : `${reply}\n`);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    child.on('error', reject);
    child.on('close', (code) => {
      const [before, after = ''] = out.split('{"type":"plan-end"}\n');
      const plan = ndjson<ChangeResult>(before ?? '');
      const results = ndjson<ChangeResult>(after);
      for (const x of [...plan, ...results]) expectValid('resetResult', x);
      resolve({ code, plan, results, stderr: err, atPlan });
    });
    child.stdin.on('error', () => {});
    child.stdin.write(`${JSON.stringify({ ...request, confirm: true, format: 'ndjson' })}\n`);
  });
}

const changing = (plan: ChangeResult[]) => plan.flatMap((p, i) => (p.status === 'whatif' ? [i] : []));
const confirm = (indexes: number[]) => JSON.stringify({ confirm: indexes });

describe('a request that plans, then asks', () => {
  it('plans exactly what --what-if reports, and writes nothing until the answer', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': ENROLLED, 'Mc.ini': TWICE, 'Md.ini': TWO_SECTIONS, 'Me.ini': DONE, 'Mf.ini': STUCK });
    const before = snapshot(dir);
    const whatIf = ndjson<ChangeResult>(
      (await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--what-if', '--format', 'ndjson'])).stdout,
    );
    const r = await converse({ command: 'reset', path: dir, mailbox: ['*'] }, () => null, undefined, dir);
    // The same, but for how a refusal names its override: a requester words that itself.
    expect(r.plan).toEqual(whatIf.map((x) => ({ ...x, message: x.message.replace(/ Use --[a-z-]+ to \w+ it anyway\.$/, '') })));
    expect(r.plan.map((p) => [p.id, p.status, p.code])).toEqual([
      ['Ma', 'whatif', null],
      ['Mb', 'skipped', 'has-certificates'],
      ['Mc', 'skipped', 'ambiguous'],
      ['Md', 'skipped', 'ambiguous'],
      ['Me', 'unchanged', null],
      ['Mf', 'whatif', null],
    ]);
    expect(r.atPlan).toEqual(before);
    // Unanswered: nothing changed, backed up or logged.
    expect(r.results).toEqual([]);
    expect(r.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(backupDirOf(dir))).toBe(false);
  });

  it('changes exactly the confirmed records, and only those are backed up and logged', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK, 'Mc.ini': STUCK });
    const r = await converse({ command: 'reset', path: dir, mailbox: ['*'] }, (plan) => confirm([changing(plan)[1]!]));
    expect(r.results.map((x) => [x.id, x.status])).toEqual([['Mb', 'reset']]);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    expect(readFileSync(join(dir, 'Mc.ini'), 'latin1')).toBe(STUCK);
    expect(readFileSync(join(dir, 'Mb.ini'), 'latin1')).toBe(STUCK.replace('State = 4', 'State = 1'));
    const logged = ndjson<{ id: string }>(readFileSync(logOf(dir), 'utf8'));
    expect(logged.map((e) => e.id)).toEqual(['Mb']);
    expect(r.code).toBe(0);
  });

  it('an empty answer changes nothing and takes no lock', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const before = snapshot(dir);
    const r = await converse({ command: 'reset', path: dir, id: ['Ma'] }, () => confirm([]));
    expect(r.results).toEqual([]);
    expect(r.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(backupDirOf(dir))).toBe(false);
  });

  it('refuses a record that changed between the plan and the answer', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const edited = STUCK.replace('jdoe', 'jdoe2');
    const r = await converse(
      { command: 'reset', path: dir, id: ['Ma'] },
      (plan) => confirm(changing(plan)),
      () => writeFileSync(join(dir, 'Ma.ini'), edited, 'latin1'),
    );
    expect(r.results.map((x) => [x.id, x.status, x.code])).toEqual([['Ma', 'failed', 'changed-since-read']]);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(edited);
    expect(r.code).toBe(1);
  });

  it.each([
    ['a refused record', (plan: ChangeResult[]) => confirm([plan.findIndex((p) => p.status === 'skipped')])],
    ['an index past the plan', () => confirm([7])],
    ['an index twice', (plan: ChangeResult[]) => confirm([changing(plan)[0]!, changing(plan)[0]!])],
    ['no JSON', () => 'yes'],
    ['no list', () => '{"confirm":0}'],
    // A key kmsdb does not know could be read as a wish it did not grant ("force", say): the answer holds only the list.
    ['a key besides the list', (plan: ChangeResult[]) => JSON.stringify({ confirm: changing(plan), force: true })],
    // An answer is a few bytes per record planned: far longer is no answer to this plan, refused before it is kept whole.
    ['its list in a line of a megabyte', (plan: ChangeResult[]) => `{"confirm":${JSON.stringify(changing(plan))}${' '.repeat(1 << 20)}}`],
    // An answer that says two things, or says it in a form no requester writes, is no answer: kmsdb reads none of them its own way.
    ['its list twice, the last one changing', (plan: ChangeResult[]) => `{"confirm":[],"confirm":${JSON.stringify(changing(plan))}}`],
    ['a second answer on the next line', (plan: ChangeResult[]) => `${confirm(changing(plan))}\n${confirm([])}`],
    ['an index written as 0e0', () => '{"confirm":[0e0]}'],
    ['an index written as -0', () => '{"confirm":[-0]}'],
    ['an index written as 0.0', () => '{"confirm":[0.0]}'],
    ['a key written with an escape', () => '{"\\u0063onfirm":[0]}'],
    ['a byte-order mark', () => `\uFEFF${confirm([0])}`],
  ])('an answer that names %s is refused whole, and nothing changes', async (_what, answer) => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': ENROLLED });
    const before = snapshot(dir);
    const r = await converse({ command: 'reset', path: dir, mailbox: ['*'] }, answer);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^\{"type":"folders",[^\n]*\}\nkmsdb: the answer to the plan .*nothing was changed\.\n\{"type":"exit","code":2\}\n$/,
    );
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(backupDirOf(dir))).toBe(false);
  });

  it('plans a restore from the log, and restores the confirmed record only', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    await runKmsdb(['reset', '--path', dir, '--mailbox', '*']);
    const r = await converse({ command: 'restore', path: dir, fromLog: logOf(dir) }, (plan) =>
      confirm([plan.findIndex((p) => p.id === 'Ma')]),
    );
    expect(r.plan.map((p) => [p.id, p.status])).toEqual([
      ['Ma', 'whatif'],
      ['Mb', 'whatif'],
    ]);
    expect(r.results.map((x) => [x.id, x.status])).toEqual([['Ma', 'restored']]);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    expect(readFileSync(join(dir, 'Mb.ini'), 'latin1')).toBe(STUCK.replace('State = 4', 'State = 1'));
  });

  it('a request without confirm that is followed by more input is refused', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await runKmsdb(['--request', '-'], {
      stdin: `${JSON.stringify({ command: 'reset', path: dir, id: ['Ma'] })}\n{"confirm":[0]}\n`,
    });
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
  });

  it('a request written over several lines still works', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await runKmsdb(['--request', '-'], { stdin: JSON.stringify({ command: 'get', path: [dir], format: 'ndjson' }, null, 2) });
    expect(r.code).toBe(0);
    expect(ndjson<{ id: string }>(r.stdout).map((x) => x.id)).toEqual(['Ma']);
  });
});

describe('refusals name their override; each front end words it', () => {
  it('the command line names its option, a request names none', async () => {
    const dir = makeDb({ 'Ma.ini': ENROLLED, 'Mb.ini': TWO_SECTIONS });
    const cli = ndjson<ChangeResult>((await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--format', 'ndjson'])).stdout);
    expect(cli.map((x) => [x.code, x.override, x.message])).toEqual([
      [
        'has-certificates',
        'allowNumSCerts',
        'State is 4 but NumSCerts is 1: the user has enrolled. Use --allow-numscerts to reset it anyway.',
      ],
      [
        'ambiguous',
        'allowAmbiguous',
        'State or NumSCerts is in more than one section and KMS may read another one than the first. Use --allow-ambiguous to reset it anyway.',
      ],
    ]);
    const asked = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'reset', path: dir, mailbox: ['*'], format: 'ndjson' }),
    });
    const results = ndjson<ChangeResult>(asked.stdout);
    expect(results.map((x) => x.override)).toEqual(['allowNumSCerts', 'allowAmbiguous']);
    for (const x of results) expect(x.message).not.toMatch(/--[a-z]/);
  });
});

describe('restore from the log decides what counts', () => {
  const logLine = (dir: string, fields: Record<string, unknown>) =>
    JSON.stringify({
      time: '2026-01-01T00:00:00.000Z',
      event: 'reset',
      user: 'admin',
      host: hostname(),
      pid: 1,
      id: 'Ma',
      path: join(dir, 'Ma.ini'),
      previousState: 4,
      state: 1,
      sha256Before: 'a'.repeat(64),
      sha256After: 'b'.repeat(64),
      backupPath: join(backupDirOf(dir), 'Ma.ini.20260101T000000000Z.bak'),
      ...fields,
    });

  it('an id the log does not name is refused as not-logged', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    await runKmsdb(['reset', '--path', dir, '--id', 'Ma']);
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', logOf(dir), '--id', 'Mzz', '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.code])).toEqual([['Mzz', 'not-logged']]);
    expect(r.code).toBe(1);
  });

  it('a log that names no record of this database says so', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const other = makeDb({ 'Mb.ini': STUCK });
    await runKmsdb(['reset', '--path', other, '--id', 'Mb']);
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', logOf(other), '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.path, x.code])).toEqual([[dir, 'not-logged']]);
    expect(r.code).toBe(1);
  });

  it('a reset another computer logged is refused there, not restored here', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const log = join(backupDirOf(dir), 'other.log');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(backupDirOf(dir), { recursive: true });
    writeFileSync(log, `${logLine(dir, { host: 'kms-other-server' })}\n`);
    const r = await runKmsdb(['restore', '--path', dir, '--from-log', log, '--format', 'ndjson']);
    const results = ndjson<ChangeResult>(r.stdout);
    expect(results.map((x) => [x.id, x.code])).toEqual([['Ma', 'other-computer']]);
    expect(results[0]!.message).toContain('kms-other-server');
  });

  it('a log alone restores every database it names, each under its own lock', async () => {
    const a = makeDb({ 'Ma.ini': STUCK });
    const b = makeDb({ 'Mb.ini': STUCK });
    const log = join(tempDir(), 'shared.log');
    for (const dir of [a, b]) expect((await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--log', log])).code).toBe(0);
    const r = await runKmsdb(['restore', '--from-log', log, '--log', log, '--id', 'Mb', '--id', 'Mq', '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.status, x.code])).toEqual([
      ['Mq', 'skipped', 'not-logged'],
      ['Mb', 'restored', null],
    ]);
    expect(readFileSync(join(a, 'Ma.ini'), 'latin1')).toBe(STUCK.replace('State = 4', 'State = 1'));
    expect(readFileSync(join(b, 'Mb.ini'), 'latin1')).toBe(STUCK);
    const all = await runKmsdb(['restore', '--from-log', log, '--log', log, '--format', 'ndjson']);
    expect(ndjson<ChangeResult>(all.stdout).map((x) => [x.id, x.status])).toEqual([
      ['Ma', 'restored'],
      ['Mb', 'unchanged'],
    ]);
  });

  it('a log alone locks one folder once, however the log spells it (a bind mount)', async (ctx) => {
    const root = tempDir();
    const [src, dst] = [join(root, 'src'), join(root, 'dst')];
    for (const d of [src, dst]) mkdirSync(d);
    writeFileSync(join(src, 'Ma.ini'), STUCK);
    writeFileSync(join(src, 'Mb.ini'), STUCK);
    try {
      execFileSync('mount', ['--bind', src, dst], { stdio: 'ignore' });
    } catch {
      cannotRun(ctx, 'a bind mount cannot be made (run the tests as root): nothing else gives one folder two real paths');
    }
    try {
      const log = join(root, 'shared.log');
      const backups = join(root, 'backups');
      expect((await runKmsdb(['reset', '--path', src, '--id', 'Ma', '--log', log, '--backup-dir', backups])).code).toBe(0);
      expect((await runKmsdb(['reset', '--path', dst, '--id', 'Mb', '--log', log, '--backup-dir', backups])).code).toBe(0);
      const r = await runKmsdb(['restore', '--from-log', log, '--log', log, '--backup-dir', backups, '--wait', '1', '--format', 'ndjson']);
      expect(r.stderr).not.toMatch(/locked/);
      expect(r.code).toBe(0);
      expect(ndjson<ChangeResult>(r.stdout).map((x) => x.status)).toEqual(['restored', 'restored']);
    } finally {
      execFileSync('umount', [dst]);
    }
  });

  it('a log alone locks only the databases it has something to restore in', async () => {
    const [a, c] = [makeDb({ 'Ma.ini': STUCK }), makeDb({ 'Mc.ini': STUCK })];
    const log = join(tempDir(), 'shared.log');
    for (const dir of [a, c]) expect((await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--log', log])).code).toBe(0);
    const owner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'reset' };
    writeFileSync(join(c, '.kmsdb.lock'), `${JSON.stringify(owner)}\n`);
    const r = await runKmsdb(['restore', '--from-log', log, '--log', log, '--id', 'Ma', '--wait', '0', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(ndjson<ChangeResult>(r.stdout).map((x) => [x.id, x.status])).toEqual([['Ma', 'restored']]);
  });

  it('a log alone changes no database while another it names is locked, as the exit says', async () => {
    const a = makeDb({ 'Ma.ini': STUCK });
    const b = makeDb({ 'Mb.ini': STUCK });
    const log = join(tempDir(), 'shared.log');
    for (const dir of [a, b]) expect((await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--log', log])).code).toBe(0);
    // Held by a live run of this host: this test's own process.
    const owner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'reset' };
    writeFileSync(join(b, '.kmsdb.lock'), `${JSON.stringify(owner)}\n`);
    const before = [snapshot(a), snapshot(b)];
    const r = await runKmsdb(['restore', '--from-log', log, '--log', log, '--wait', '0', '--format', 'ndjson']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/The database is locked by kmsdb reset/);
    expect(r.stdout).toBe('');
    expect([snapshot(a), snapshot(b)]).toEqual(before);
  });
});

// restore --stdin undoes what kmsdb reset printed, or what audit-log lines
// record: the PowerShell module's Restore-KmsEnrollment sends it exactly that.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import type { AuditEntry } from '../../src/safety/audit.js';
import { backupDirOf, logOf, runChange, sha, snapshot, STUCK } from '../helpers/change.js';
import { makeDb, ndjson, runKmsdb, utf16 } from '../helpers/db.js';

/** Three stuck records (ANSI and UTF-16LE) reset, and one already in State 1 (unchanged, no backup); the reset's ndjson output and the bytes before. */
async function resetAll() {
  const dir = makeDb({
    'Ma.ini': STUCK,
    'Mb.ini': utf16(STUCK.replace('jdoe', 'bob')),
    'Mc.ini': STUCK.replace('jdoe', 'carol'),
    'Md.ini': STUCK.replace('jdoe', 'dave').replace('State = 4', 'State = 1'),
  });
  const before = snapshot(dir);
  const reset = await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--format', 'ndjson']);
  expect(reset.code).toBe(0);
  return { dir, before, resetOutput: reset.stdout, results: ndjson<ChangeResult>(reset.stdout) };
}

describe('restore --stdin', () => {
  it("takes kmsdb reset's ndjson output and leaves every record byte-identical to before", async () => {
    const { dir, before, resetOutput, results } = await resetAll();
    expect(results.filter((r) => r.status === 'reset')).toHaveLength(3);
    const changed = results.filter((r) => r.status === 'reset');
    const r = await runChange(['restore', '--path', dir, '--stdin'], changed.map((x) => JSON.stringify(x)).join('\n'));
    expect(r.code).toBe(0);
    expect(r.results.map((x) => [x.id, x.status])).toEqual([
      ['Ma', 'restored'],
      ['Mb', 'restored'],
      ['Mc', 'restored'],
    ]);
    expect(snapshot(dir)).toEqual(before);
    // The whole output, unchanged Md and all: Md names no backup and is refused as such.
    const again = await runChange(['restore', '--path', dir, '--stdin'], resetOutput);
    expect(again.code).toBe(1);
    expect(again.results.find((x) => x.id === 'Md')).toMatchObject({ status: 'skipped', code: 'no-backup' });
    expect(again.results.filter((x) => x.id !== 'Md').map((x) => x.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(snapshot(dir)).toEqual(before);
  });

  it("takes kmsdb reset's json document (results) as well", async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const before = snapshot(dir);
    const reset = await runKmsdb(['reset', '--path', dir, '--id', 'Ma', '--format', 'json']);
    expect(reset.code).toBe(0);
    const r = await runChange(['restore', '--path', dir, '--stdin'], reset.stdout);
    expect(r.code).toBe(0);
    expect(r.results[0]).toMatchObject({ id: 'Ma', status: 'restored' });
    expect(snapshot(dir)).toEqual(before);
  });

  it('takes audit-log lines and undoes the latest reset of each record that did not fail, as --from-log does', async () => {
    const { dir, before } = await resetAll();
    const log = readFileSync(logOf(dir), 'utf8');
    const entries = ndjson<AuditEntry>(log);
    expect(entries.map((e) => e.event)).toEqual(['reset', 'reset', 'reset']);
    // A reset that the log then shows as failed is not undone.
    const failed = { ...entries[2]!, event: 'reset-failed', error: 'EIO' };
    const r = await runChange(['restore', '--path', dir, '--stdin'], `${log}${JSON.stringify(failed)}\n`);
    expect(r.code).toBe(0);
    expect(r.results.map((x) => [x.id, x.status])).toEqual([
      ['Ma', 'restored'],
      ['Mb', 'restored'],
    ]);
    expect(snapshot(dir)).not.toEqual(before);
    // The log now also holds the restores' own lines; they are never undone by piping it again.
    const whole = readFileSync(logOf(dir), 'utf8');
    expect(ndjson<AuditEntry>(whole).filter((e) => e.event === 'restore')).toHaveLength(2);
    const again = await runChange(['restore', '--path', dir, '--stdin'], whole);
    expect(again.results.map((x) => [x.id, x.status])).toEqual([
      ['Ma', 'unchanged'],
      ['Mb', 'unchanged'],
      ['Mc', 'restored'],
    ]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a record changed since its reset, unless --force', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const reset = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const edited = Buffer.from(readFileSync(join(dir, 'Ma.ini')).toString('latin1').replace('jdoe', 'jdoX'), 'latin1');
    writeFileSync(join(dir, 'Ma.ini'), edited);
    const input = JSON.stringify(reset.results[0]);
    const r = await runChange(['restore', '--path', dir, '--stdin'], input);
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'skipped', code: 'changed-since-reset' });
    expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(edited);
    const forced = await runChange(['restore', '--path', dir, '--stdin', '--force'], input);
    expect(forced.results[0]).toMatchObject({ status: 'restored' });
    expect(readFileSync(join(dir, 'Ma.ini')).toString('latin1')).toBe(STUCK);
  });

  /** A database whose Ma.ini was reset, and what names that reset: its result, or its audit-log line. */
  async function resetOne(fromLog: boolean): Promise<{ dir: string; item: object }> {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const reset = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    return { dir, item: fromLog ? ndjson<AuditEntry>(readFileSync(logOf(dir), 'utf8'))[0]! : reset.results[0]! };
  }

  it.each([
    ['a result', false],
    ['an audit-log line', true],
  ])(
    "with an item's sha256 (%s), refuses a record that is no longer as planned, with --force too, and restores one that is",
    async (_name, fromLog) => {
      const { dir, item } = await resetOne(fromLog);
      // The admin, knowing the record changed since its reset, confirmed a restore of it as it was then (edited)...
      const edited = Buffer.from(readFileSync(join(dir, 'Ma.ini')).toString('latin1').replace('jdoe', 'jdoX'), 'latin1');
      writeFileSync(join(dir, 'Ma.ini'), edited);
      const input = JSON.stringify({ ...item, sha256: sha(edited) });
      // ...and it changed again before the restore ran: that is not what was confirmed.
      const again = Buffer.concat([edited, Buffer.from('Edited = 1\r\n')]);
      writeFileSync(join(dir, 'Ma.ini'), again);
      const r = await runChange(['restore', '--path', dir, '--stdin', '--force'], input);
      expect(r.code).toBe(1);
      expect(r.results[0]).toMatchObject({ status: 'failed', code: 'changed-since-read' });
      expect(readFileSync(join(dir, 'Ma.ini'))).toEqual(again);
      // As confirmed, it is restored: --force lets the change since the reset go, and nothing else.
      writeFileSync(join(dir, 'Ma.ini'), edited);
      const forced = await runChange(['restore', '--path', dir, '--stdin', '--force'], input);
      expect(forced.results[0]).toMatchObject({ status: 'restored' });
      expect(readFileSync(join(dir, 'Ma.ini')).toString('latin1')).toBe(STUCK);
    },
  );

  it.each([
    ['a result', false],
    ['an audit-log line', true],
  ])(
    'does not take an item whose sha256 is null (%s) as "no pin": with --force, a record changed since its reset is not restored',
    async (_name, fromLog) => {
      const { dir, item } = await resetOne(fromLog);
      // A script's hash lookup came back empty (JSON null), as Restore-KmsEnrollment -Sha256 $null refuses to take.
      const input = JSON.stringify({ ...item, sha256: null });
      const again = Buffer.concat([readFileSync(join(dir, 'Ma.ini')), Buffer.from('Edited = 1\r\n')]);
      writeFileSync(join(dir, 'Ma.ini'), again);
      const r = await runChange(['restore', '--path', dir, '--stdin', '--force'], input);
      expect(readFileSync(join(dir, 'Ma.ini')).toString('latin1')).toBe(again.toString('latin1'));
      // A usage error: the input is refused whole, and nothing is written.
      expect(r.code).toBe(2);
    },
  );

  it("vouches for a backup only by the log's hash: the input's hashes add checks and never lift one", async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK.replace('jdoe', 'bob'), 'Mc.ini': STUCK.replace('jdoe', 'carol') });
    const reset = await runChange(['reset', '--path', dir, '--id', 'Ma', '--id', 'Mb', '--id', 'Mc']);
    const [ma, mb, mc] = reset.results as [ChangeResult, ChangeResult, ChangeResult];
    // Ma: the log names the backup and vouches for it, but the input claims another hash: refused.
    const wrongClaim = { ...ma, sha256Before: sha('something else') };
    // Mb: binary bytes planted in the backup folder under a backup's name, with their true hash; no log names them.
    const planted = join(backupDirOf(dir), 'Mb.ini.20200101T000000000Z.bak');
    const binary = Buffer.from('MZ\u0000\u0001evil\u00ff\u00fe', 'latin1');
    writeFileSync(planted, binary);
    const plantedItem = { path: mb.path, backupPath: planted, sha256Before: sha(binary) };
    // Mc: a copy of its real backup that no log names, with the right hash: a record kmsdb could have backed up.
    const copy = join(backupDirOf(dir), 'Mc.ini.20200101T000000000Z.bak');
    copyFileSync(mc.backupPath!, copy);
    const copyItem = { path: mc.path, backupPath: copy, sha256Before: mc.sha256Before };
    const r = await runChange(
      ['restore', '--path', dir, '--stdin'],
      [wrongClaim, plantedItem, copyItem].map((x) => JSON.stringify(x)).join('\n'),
    );
    expect(r.results.map((x) => [x.id, x.status, x.code])).toEqual([
      ['Ma', 'failed', 'backup-mismatch'],
      ['Mb', 'failed', 'backup-not-a-record'],
      ['Mc', 'restored', null],
    ]);
    expect(readFileSync(join(dir, 'Ma.ini')).toString('latin1')).toContain('State = 1');
    expect(readFileSync(join(dir, 'Mb.ini')).toString('latin1')).toContain('State = 1');
  });

  it('takes what the record must still hold from the log, whatever the input says', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const reset = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const file = join(dir, 'Ma.ini');
    const enrolled = Buffer.concat([readFileSync(file), Buffer.from('NumSCerts = 1\r\n', 'latin1')]);
    writeFileSync(file, enrolled);
    const r = await runChange(['restore', '--path', dir, '--stdin'], JSON.stringify({ backupPath: reset.results[0]!.backupPath }));
    expect(r.results[0]).toMatchObject({ status: 'skipped', code: 'changed-since-reset' });
    // An input that claims the record's present hash as its sha256After does not lift the log's.
    const claimed = { ...reset.results[0], sha256After: sha(enrolled) };
    const forged = await runChange(['restore', '--path', dir, '--stdin'], JSON.stringify(claimed));
    expect(forged.results[0]).toMatchObject({ status: 'skipped', code: 'changed-since-reset' });
    const byHand = await runChange(['restore', '--path', dir, '--backup', reset.results[0]!.backupPath!]);
    expect(byHand.results[0]).toMatchObject({ status: 'skipped', code: 'changed-since-reset' });
    expect(readFileSync(file)).toEqual(enrolled);
  });

  it('refuses a backup outside the backup folder, and restores nothing from it', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const reset = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const outside = join(dirname(dir), basename(reset.results[0]!.backupPath!));
    copyFileSync(reset.results[0]!.backupPath!, outside);
    const before = snapshot(dir);
    const r = await runChange(['restore', '--path', dir, '--stdin'], JSON.stringify({ ...reset.results[0], backupPath: outside }));
    expect(r.code).toBe(1);
    expect(r.results[0]).toMatchObject({ status: 'failed', code: 'backup-outside' });
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([
    ['an item without backupPath', '{"path":"Ma.ini"}', /stdin.*backupPath/],
    [
      'a log line without its hashes',
      '{"event":"reset","path":"/x/Ma.ini","backupPath":"/x/Ma.ini.20260101T000000000Z.bak"}',
      /stdin.*sha256Before/,
    ],
    ['a line that is not JSON', '{"backupPath":"/x/a.bak"}\nnot json', /stdin line 2 is not JSON: expected what kmsdb reset prints/],
    ['a backup with no record name', '{"backupPath":"/x/notes.txt"}', /notes\.txt is not a kmsdb backup/],
  ])('refuses %s with exit 2 and restores nothing', async (_name, input, message) => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const before = snapshot(dir);
    const log = readFileSync(logOf(dir));
    const r = await runKmsdb(['restore', '--path', dir, '--stdin'], { stdin: input });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
    expect(readFileSync(logOf(dir))).toEqual(log);
  });

  it('takes exactly one of --backup, --from-log and --stdin', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const r = await runKmsdb(['restore', '--path', dir, '--stdin', '--from-log', logOf(dir)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exactly one of --backup FILE, --from-log FILE or --stdin');
  });

  it('runs as a restore request with records, as the module sends it', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK });
    const before = snapshot(dir);
    const reset = await runChange(['reset', '--path', dir, '--id', 'Ma']);
    const request = {
      command: 'restore',
      path: dir,
      records: [
        {
          path: reset.results[0]!.path,
          backupPath: reset.results[0]!.backupPath,
          sha256Before: reset.results[0]!.sha256Before,
          sha256After: reset.results[0]!.sha256After,
        },
      ],
      format: 'ndjson',
    };
    const r = await runKmsdb(['--request', '-'], { stdin: JSON.stringify(request) });
    expect(r.code).toBe(0);
    expect(ndjson<ChangeResult>(r.stdout)[0]).toMatchObject({ id: 'Ma', status: 'restored' });
    expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toEqual({ type: 'exit', code: 0 });
    expect(snapshot(dir)).toEqual(before);
  });
});

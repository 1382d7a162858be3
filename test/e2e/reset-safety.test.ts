import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordFileName, recordText } from '../../scripts/lib/synth.mjs';
import { encode } from '../../src/profile/encoding.js';
import { resetRecord, type ChangeContext, type ChangeResult } from '../../src/change/reset-restore.js';
import type { AuditEntry } from '../../src/safety/audit.js';
import { KMSDB, ndjson, runKmsdb, tempDir } from '../helpers/db.js';

const blank = fc.constantFrom('', ' ', '\t', '\x0b', '  \t');
const latinChar = fc.constantFrom(...'abcXYZ019 _-.,/;#=[]"\'éüßÆ€Š'.split(''));
const wideChar = fc.constantFrom(...'abcXYZ019 _-.,/;#=[]"\'éüßÆ€ŠΣΟΦΙΑжд中文'.split(''));
const keyName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,11}$/).filter((k) => !['state', 'numscerts'].includes(k.toLowerCase()));

/** One line of profile text other than the State line. */
const otherLine = (char: fc.Arbitrary<string>) =>
  fc.oneof(
    fc
      .tuple(
        blank,
        keyName,
        blank,
        blank,
        fc.array(char, { maxLength: 40 }).map((cs) => cs.join('')),
        blank,
      )
      .map(([a, k, b, c, v, d]) => `${a}${k}${b}=${c}${v}${d}`.replace(/^(\s*)[;[]/, '$1x')),
    fc.tuple(blank, keyName).map(([a, k]) => `${a}[${k}]`),
    fc.array(char, { maxLength: 30 }).map((cs) => `;${cs.join('')}`),
    fc.array(char, { maxLength: 30 }).map((cs) => `#${cs.join('')}`),
    blank,
  );

/** A State line in one of the spellings KMS reads as 4. */
const stateLine = fc
  .tuple(blank, fc.constantFrom('State', 'STATE', 'state', 'sTaTe'), blank, blank, fc.constantFrom('', '"', "'"), blank)
  .map(([a, key, b, c, q, d]) => {
    const prefix = `${a}${key}${b}=${c}${q}`;
    return { line: `${prefix}4${q}${d}` };
  });

const profileFile = fc
  .record({
    encoding: fc.constantFrom('windows-1252' as const, 'utf-16le' as const),
    eol: fc.constantFrom('\r\n', '\n', '\r'),
    finalNewline: fc.boolean(),
    state: stateLine,
  })
  .chain((base) =>
    fc
      .record({
        before: fc.array(otherLine(base.encoding === 'utf-16le' ? wideChar : latinChar), { maxLength: 12 }),
        after: fc.array(otherLine(base.encoding === 'utf-16le' ? wideChar : latinChar), { maxLength: 12 }),
      })
      .map((lines) => ({ ...base, ...lines })),
  );

type ProfileFile = { before: string[]; after: string[]; eol: string; finalNewline: boolean; state: { line: string } };

function render(f: ProfileFile, value: '4' | '1'): string {
  // The State line opens a section of its own (no generated header has a space), where the API reads it.
  // eslint-disable-next-line no-control-regex -- VT is whitespace the profile API trims, so the fixture keeps it
  const lines = [...f.before, '[Client 1]', f.state.line.replace(/4(['"]?[\s\x0b]*)$/, `${value}$1`), ...f.after];
  return lines.join(f.eol) + (f.finalNewline ? f.eol : '');
}

function bytesOf(text: string, encoding: 'windows-1252' | 'utf-16le'): Buffer {
  return encoding === 'utf-16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), encode(text, encoding)]) : encode(text, encoding);
}

describe('reset is byte-exact for every profile shape (property)', () => {
  it('changes only the State value', () => {
    const root = tempDir();
    let n = 0;
    fc.assert(
      fc.property(profileFile, (f) => {
        const dir = join(root, `db${n++}`, 'Clients');
        mkdirSync(dir, { recursive: true });
        const original = bytesOf(render(f, '4'), f.encoding);
        writeFileSync(join(dir, 'Mrec.ini'), original);
        const { ino } = statSync(join(dir, 'Mrec.ini'));
        const ctx: ChangeContext = {
          dbReal: dir,
          backupDir: join(dir, '..', 'backup'),
          logPath: join(dir, '..', 'audit.log'),
          force: false,
          whatIf: false,
        };
        const r = resetRecord(ctx, { path: 'Mrec.ini' });
        expect(r.status).toBe('reset');
        const after = readFileSync(join(dir, 'Mrec.ini'));
        expect(after).toEqual(bytesOf(render(f, '1'), f.encoding));
        const changed = [...after].flatMap((b, i) => (b === original[i] ? [] : [i]));
        expect(changed).toHaveLength(1);
        expect(statSync(join(dir, 'Mrec.ini')).ino).toBe(ino);
        expect(readFileSync(r.backupPath!)).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });
});

function stuckDb(count: number): { dir: string; originals: Map<string, Buffer> } {
  const dir = join(tempDir(), 'Mgrent', 'Clients');
  mkdirSync(dir, { recursive: true });
  const originals = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const name = recordFileName(i);
    const bytes = Buffer.from(
      recordText({ alias: `user${i}`, state: 4, numSCerts: null, certLength: 300, eol: i % 3 === 0 ? '\n' : '\r\n' }),
      'latin1',
    );
    writeFileSync(join(dir, name), bytes);
    originals.set(name, bytes);
  }
  return { dir, originals };
}

const asReset = (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  copy[copy.indexOf('State = 4') + 8] = 0x31;
  return copy;
};

const inodes = (dir: string) => new Map(readdirSync(dir).map((n) => [n, statSync(join(dir, n)).ino]));

/**
 * Every record is either exactly as it was or exactly reset, and is the file
 * it was (the inodes in `files`); every backup is an exact original. Besides
 * the records, the folder holds at most the lock of a killed run.
 */
function checkConsistent(dir: string, originals: Map<string, Buffer>, files: Map<string, number>) {
  const now = inodes(dir);
  now.delete('.kmsdb.lock');
  expect(now).toEqual(files);
  const states = { original: 0, reset: 0 };
  for (const [name, original] of originals) {
    const now = readFileSync(join(dir, name));
    if (now.equals(original)) states.original++;
    else {
      expect(now.equals(asReset(original)), `${name} is torn`).toBe(true);
      states.reset++;
    }
  }
  const backupDir = join(dirname(dir), `${basename(dir)}.kmsdb-backup`);
  let backups: string[] = [];
  try {
    backups = readdirSync(backupDir).filter((n) => n.endsWith('.bak'));
  } catch {
    // No backup yet: the run was killed before its first change.
  }
  for (const b of backups) {
    const name = b.replace(/\.\d{8}T\d{9}Z(-\d+)?\.bak$/, '');
    expect(readFileSync(join(backupDir, b)).equals(originals.get(name)!), `backup ${b}`).toBe(true);
  }
  // A record is only reset after its backup is complete.
  expect(backups.length).toBeGreaterThanOrEqual(states.reset);
  return states;
}

describe('reset survives kill -9 at any instant', () => {
  it('leaves every record whole, and a rerun finishes the job', { timeout: 240_000 }, async () => {
    const trials = [];
    for (let trial = 0; trial < 6; trial++) {
      const { dir, originals } = stuckDb(1500);
      const files = inodes(dir);
      const [cmd, ...pre] = KMSDB as [string, ...string[]];
      const child = spawn(cmd, [...pre, 'reset', '--path', dir, '--mailbox', '*', '--format', 'ndjson'], {
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      // Listened for from the start: a run that ends before the kill has closed already.
      const closed = new Promise((r) => child.on('close', r));
      const delay = 80 + Math.floor(Math.random() * 1500);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await closed;
      const killed = checkConsistent(dir, originals, files);

      const rerun = await runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--format', 'ndjson', '--wait', '5']);
      expect(rerun.code, rerun.stderr).toBe(0);
      const statuses = ndjson<ChangeResult>(rerun.stdout).map((r) => r.status);
      expect(statuses.filter((s) => s === 'unchanged')).toHaveLength(killed.reset);
      expect(statuses.filter((s) => s === 'reset')).toHaveLength(killed.original);
      const done = checkConsistent(dir, originals, files);
      expect(done).toEqual({ original: 0, reset: originals.size });
      expect(readdirSync(dir).filter((n) => !n.endsWith('.ini'))).toEqual([]);
      trials.push({ delay, resetBeforeKill: killed.reset });
    }
    // The kills must have landed mid-run for this test to mean anything.
    expect(trials.some((t) => t.resetBeforeKill > 0 && t.resetBeforeKill < 1500)).toBe(true);
  });
});

describe('two resets at once', () => {
  it('never race: each record is reset and backed up exactly once', { timeout: 120_000 }, async () => {
    const { dir, originals } = stuckDb(800);
    const files = inodes(dir);
    const run = () => runKmsdb(['reset', '--path', dir, '--mailbox', '*', '--format', 'ndjson', '--wait', '60']);
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const statuses = [...ndjson<ChangeResult>(a.stdout), ...ndjson<ChangeResult>(b.stdout)].map((r) => r.status);
    expect(statuses.filter((s) => s === 'reset')).toHaveLength(800);
    expect(statuses.filter((s) => s === 'unchanged')).toHaveLength(800);
    expect(checkConsistent(dir, originals, files)).toEqual({ original: 0, reset: 800 });
    const backupDir = join(dirname(dir), `${basename(dir)}.kmsdb-backup`);
    expect(readdirSync(backupDir).filter((n) => n.endsWith('.bak'))).toHaveLength(800);
    const log = ndjson<AuditEntry>(readFileSync(join(backupDir, 'kmsdb-audit.log'), 'utf8'));
    expect(new Set(log.map((e) => e.path)).size).toBe(800);
    expect(log).toHaveLength(800);
  });
});

// The settings reader and the audit-log reader, each fed hostile shapes at n
// and at 4n: a linear reader takes about 4 times as long, a quadratic one 16.
// Each test fails when the time grows by more than 6 times, and on any error
// other than the refusal the shape calls for (a stack overflow, say).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { LoggedResets } from '../../src/cli/change.js';
import { compileMailboxPattern, matchesMailbox } from '../../src/records/mailbox.js';
import { buildRecord, diagnose } from '../../src/records/record.js';
import { auditEntry, forEachAuditEntry, readAuditLog, type AuditEntry } from '../../src/safety/audit.js';
import { loadSettings, SettingsError } from '../../src/settings/index.js';
import { DottedSectionError, parseIni } from '../../src/settings/ini.js';
import { tempDir } from '../helpers/db.js';

/** The growth allowed from n to 4n: 4 for linear work, with room for a loaded machine's noise. */
const MAX_GROWTH = 6;

/**
 * Times `work` on the input of size n and of size 4n, and bounds the growth.
 * Each timing is of processor time, and repeats the work until it takes about 100 ms at n;
 * the two sizes take turns, so that a busy moment of the machine falls on both alike; and
 * the fastest of each counts: the one that noise added least to.
 */
function expectLinear(make: (n: number) => string, n: number, work: (file: string) => void, rounds = 5): void {
  const dir = tempDir();
  const small = join(dir, 'n');
  const large = join(dir, '4n');
  writeFileSync(small, make(n));
  writeFileSync(large, make(4 * n));
  // Processor time, not wall time: the time this process waits for a busy machine's processors is not its own.
  // Each timing starts from a collected heap (vitest.config.ts gives this file --expose-gc), and V8 does
  // all its work on this thread (--single-threaded): the processor time of a process counts every thread's,
  // and the collector's helpers and the optimizing compiler's thread, working while the other size ran,
  // made the same linear work come out at 0.8 to 7.0 times n (CI's 7.0 failed the mailbox test).
  const time = (file: string, times: number) => {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.cpuUsage();
    for (let i = 0; i < times; i++) work(file);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  // The first runs warm the code up; the fastest of the next ones says how many repeats make about 100 ms.
  time(small, 3);
  time(large, 1);
  const once = Math.min(time(small, 1), time(small, 1), time(small, 1));
  const times = Math.max(1, Math.ceil(100 / Math.max(once, 0.05)));
  let t1 = Infinity;
  let t4 = Infinity;
  for (let i = 0; i < rounds; i++) {
    t1 = Math.min(t1, time(small, times));
    t4 = Math.min(t4, time(large, times));
  }
  expect(t4 / t1, `n: ${t1.toFixed(1)} ms, 4n: ${t4.toFixed(1)} ms, ${times} times each`).toBeLessThan(MAX_GROWTH);
}

describe('the settings reader is linear in its input', () => {
  /** Reads a settings file as kmsdb on host KMS01 does; a refusal is an answer, anything else thrown is not. */
  const read = (refusal: RegExp | null) => (file: string) => {
    try {
      loadSettings(file, 'KMS01');
      expect(refusal).toBeNull();
    } catch (err) {
      if (!(err instanceof SettingsError) || refusal === null) throw err;
      expect(err.message).toMatch(refusal);
    }
  };
  const dot = /has a dot in its name/;

  // Small enough that both sizes stay in the processor's caches: past them, memory alone makes any reader look superlinear.
  it.each([
    ['a section name of many dotted parts', (n: number) => `[defaults]\nlog = /l\n[${'a.'.repeat(n / 2)}a]\n`, dot],
    ['a section name of many escaped dots', (n: number) => `[defaults]\nlog = /l\n[${'a\\.'.repeat(n / 3)}a]\n`, dot],
    [
      'many sections',
      (n: number) => `${Array.from({ length: n / 20 }, (_, i) => `[s${i}]\nlog = /l\n`).join('')}[KMS01]\nlog = /x\n`,
      null,
      // A section is an object of its own: 3,200 of them at 4n left the caches (the growth read 5.4 to 6.3).
      4_000,
    ],
    ['a value of backslashes', (n: number) => `[defaults]\nlog = /${'\\'.repeat(n)}\n`, null],
    ['a value of escaped comment marks', (n: number) => `[defaults]\nlog = /${'\\;\\#'.repeat(n / 4)}\n`, null],
    ['a line of brackets that never closes', (n: number) => `[defaults]\nlog = /l\n${'['.repeat(n)}\n`, /unknown key/],
    ['many lines of brackets', (n: number) => `[defaults]\nlog = /l\n${'[\n'.repeat(n / 2)}`, /unknown key/],
    ['a key without a value', (n: number) => `[defaults]\n${'k'.repeat(n)}\n`, /unknown key/],
    ['a line of spaces that ends in a letter', (n: number) => `[defaults]\nlog = /l\n${' '.repeat(n)}x\n`, /unknown key/],
    ['a section line of spaces that ends in a letter', (n: number) => `[defaults]\nlog = /l\n[a]${' '.repeat(n)}x\n`, /unknown key/],
    ['many comment lines', (n: number) => `${'; a comment\n'.repeat(n / 12)}[defaults]\nlog = /l\n`, null],
  ])('%s', (_, make, refusal, n = 16_000) => {
    expectLinear(make, n, read(refusal));
  });
});

describe('the audit-log reader is linear in its input', () => {
  const DB = '/db';
  const line = (e: Partial<AuditEntry> & Pick<AuditEntry, 'event'>) =>
    `${JSON.stringify(
      auditEntry({
        id: 'Ma',
        path: `${DB}/Ma.ini`,
        previousState: 4,
        state: 1,
        sha256Before: 'a'.repeat(64),
        sha256After: 'b'.repeat(64),
        backupPath: '/bk/Ma.ini.20260101T000000000Z.bak',
        ...e,
      }),
    )}\n`;
  const reset = line({ event: 'reset' });
  const failed = line({ event: 'reset-failed', error: 'ENOSPC' });

  /** What restore --from-log does with a log: read every entry, then choose what to undo. */
  const restoresFrom = (expected: number | null) => (file: string) => {
    const resets = new LoggedResets(DB);
    forEachAuditEntry(file, (e) => resets.add(e));
    const requests = resets.requests(undefined);
    if (expected === null) expect(requests.length).toBeGreaterThan(0);
    else expect(requests).toHaveLength(expected);
  };

  it.each([
    ['one reset line, repeated', (n: number) => reset.repeat(n), 1],
    ['resets, each taken back by the line after it', (n: number) => (reset + failed).repeat(n / 2), 0],
    ['resets, then as many lines taking them back', (n: number) => reset.repeat(n / 2) + failed.repeat(n / 2), 0],
    [
      'resets of as many records',
      (n: number) => Array.from({ length: n }, (_, i) => line({ event: 'reset', path: `${DB}/M${i}.ini` })).join(''),
      null,
    ],
    ['blank lines around one reset', (n: number) => `${'\n'.repeat(n * 300)}${reset}${'\r\n \t\n'.repeat(n * 75)}`, 1],
  ])('%s', (_, make, expected) => {
    // About 400 bytes a line: 4n is some 16 MB.
    const n = 10_000;
    expectLinear(make, n, restoresFrom(expected));
  });

  it('a reset-failed line takes back the earliest reset it names that is not yet taken back, and the latest left is undone', () => {
    const older = line({ event: 'reset', sha256After: 'c'.repeat(64) });
    const file = join(tempDir(), 'audit.log');
    writeFileSync(file, older + reset + reset + failed + failed);
    const resets = new LoggedResets(DB);
    for (const e of readAuditLog(file)) resets.add(e);
    expect(resets.requests(undefined)).toEqual([
      {
        path: `${DB}/Ma.ini`,
        backupPath: '/bk/Ma.ini.20260101T000000000Z.bak',
        expectSha256: 'c'.repeat(64),
        backupSha256: 'a'.repeat(64),
      },
    ]);
  });
});

describe("kmsdb's INI reader reads settings files as the ini package does", () => {
  // Lines made of the characters that mean something in INI, and some that do not.
  const text = fc
    .array(
      fc.oneof(
        fc.constantFrom('[defaults]', '[KMS01]', '[__proto__]', 'log = /l', 'k[] = a', 'k[] = b', '; c', '# c', '', ' ', '=x'),
        fc.stringMatching(/^[a-z[\]=;#\\"' \t]{0,12}$/),
      ),
      { maxLength: 12 },
    )
    .chain((lines) => fc.constantFrom('\n', '\r\n', '\r').map((end) => lines.join(end)));

  it('gives the same sections, keys and values for any text without a dotted section', () => {
    fc.assert(
      fc.property(text, (t) => {
        let ours: unknown;
        try {
          ours = parseIni(t);
        } catch (err) {
          if (err instanceof DottedSectionError) return;
          throw err;
        }
        expect(JSON.parse(JSON.stringify(ours))).toEqual(JSON.parse(JSON.stringify(ini.parse(t))));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['kms01.contoso.com', '[kms01.contoso.com]'],
    ['an escaped dot', '[kms01\\.corp]'],
    ['a quoted name', '["kms01.corp"]'],
  ])('refuses a section named with %s, which the ini package nests or keeps whole', (_, header) => {
    expect(() => parseIni(`[defaults]\nlog = /l\n${header}\nlog = /x\n`)).toThrow(DottedSectionError);
  });
});

describe("a record's mailbox is found in time linear in its lines", () => {
  // The record's mailbox and --mailbox both see only the first line of each key in a readable section:
  // a check of "first" that looked back over the lines before each one would be quadratic in these shapes.
  // At 8 KiB a record's fixed cost outweighed its lines (4n took 1.5 times n), so they start at 32 KiB.
  const nobody = [compileMailboxPattern('nobody')];
  const read = (file: string) => {
    const bytes = readFileSync(file);
    const d = diagnose(bytes);
    buildRecord(file, 'Mx.ini', bytes, null, d);
    expect(matchesMailbox(d.profile, nobody)).toBe(false);
  };
  it.each([
    [
      'other keys, a plain DN line, then DN lines of the same key',
      (n: number) =>
        `[Client]\r\n${Array.from({ length: n / 24 }, (_, i) => `k${i} = x\r\n`).join('')}DN = x\r\n${'DN = /cn=y\r\n'.repeat(n / 24)}`,
    ],
    ['DN lines of keys that differ in case only', (n: number) => `[Client]\r\nDN = x\r\n${'dN = /cn=y\r\nDn = /cn=y\r\n'.repeat(n / 24)}`],
    ['Alias lines of the same key', (n: number) => `[Client]\r\n${'Alias = y\r\n'.repeat(n / 11)}`],
    ['many keys', (n: number) => `[Client]\r\n${Array.from({ length: n / 12 }, (_, i) => `k${i} = /x\r\n`).join('')}`],
    ['many sections, each with an Alias', (n: number) => Array.from({ length: n / 20 }, (_, i) => `[s${i}]\r\nAlias = y\r\n`).join('')],
    ['DN lines in a section the profile API never reads', (n: number) => `[C]\r\nA = 1\r\n[c]\r\n${'DN = /cn=y\r\n'.repeat(n / 12)}`],
  ])('%s', (_name, make) => {
    expectLinear(make, 32 * 1024, read);
  });
});

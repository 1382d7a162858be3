/**
 * kmsdb's reading of State and NumSCerts against the Windows profile API's
 * own (GetPrivateProfileIntW / GetPrivateProfileStringW, run by probe.c under
 * wine), on thousands of generated records, one section at a time. Where wine
 * reads otherwise than Windows 10, the probe reads a file rewritten to hold
 * what Windows reads (windows-rules.ts), so the comparison is with Windows.
 *
 * `npm run oracle` runs this file alone; KMSDB_ORACLE_SEED and
 * KMSDB_ORACLE_FILES choose other files than the default set.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IN_CI } from '../../scripts/lib/ci.mjs';
import { findAll, foldName } from '../../src/profile/parse.js';
import { diagnose } from '../../src/records/record.js';
import { generate, type GeneratedFile } from './generate.js';
import { apiAmbiguous, kmsdbReading, requested, setUpOracle, type ApiSection } from './oracle.js';
import { asWindowsReads, WINDOWS_RULES } from './windows-rules.js';

const SEED = Number(process.env.KMSDB_ORACLE_SEED ?? 15);
const COUNT = Number(process.env.KMSDB_ORACLE_FILES ?? 3000);
const KEYS = ['State', 'NumSCerts'] as const;

const oracle = setUpOracle();
if ('missing' in oracle) {
  // CI must prove the reader against the API; elsewhere a loud skip.
  if (IN_CI) throw new Error(`the profile API oracle cannot run in CI: ${oracle.missing}`);
  console.warn(`\n!!! READER NOT CHECKED AGAINST THE PROFILE API: ${oracle.missing} !!!\n`);
}

const work = mkdtempSync(join(tmpdir(), 'kmsdb-oracle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Difference {
  what: string;
  kmsdb: unknown;
  api: unknown;
}

function compare(file: GeneratedFile, api: ApiSection[]): Difference[] {
  const diffs: Difference[] = [];
  const d = diagnose(file.bytes);
  const kmsdbSections = d.profile.sections;
  const apiNames = api.map((s) => s.name);
  if (JSON.stringify(kmsdbSections) !== JSON.stringify(apiNames))
    diffs.push({ what: 'section names', kmsdb: kmsdbSections, api: apiNames });
  const seen = new Set<string>();
  for (const s of api) {
    // The API reads only the first of several sections with one name, and trims the name it is asked for.
    const name = foldName(requested(s.name));
    if (seen.has(name)) continue;
    seen.add(name);
    for (const key of KEYS) {
      const ours = kmsdbReading(d.profile, s.name, key);
      const theirs = s[key];
      if (theirs.truncated) continue;
      if (ours.str !== theirs.str || ours.int !== theirs.int) diffs.push({ what: `[${s.name}] ${key}`, kmsdb: ours, api: theirs });
    }
  }
  // The record's own fields: the key from the first section that holds it, read as the API reads it there.
  for (const [key, value] of [
    ['State', d.state],
    ['NumSCerts', d.numSCerts],
  ] as const) {
    const first = findAll(d.profile, key)[0];
    const section = first && api.find((s) => foldName(requested(s.name)) === foldName(first.section));
    const expected = !first ? null : section ? section[key].int : `[${first.section}] is not a section the API lists`;
    if (value !== expected) diffs.push({ what: `record ${key}`, kmsdb: value, api: expected });
  }
  const affected = d.state === 4 && d.numSCerts === null;
  if (d.affected !== affected) diffs.push({ what: 'affected', kmsdb: d.affected, api: affected });
  const ambiguous = apiAmbiguous(api);
  if (ambiguous !== null && d.ambiguousSection !== ambiguous)
    diffs.push({ what: 'ambiguous-section', kmsdb: d.ambiguousSection, api: ambiguous });
  return diffs;
}

/** A file's bytes as an escaped string and hex, short enough to read, exact enough to become a fixture. */
function describeBytes(bytes: Buffer): string {
  const shown = bytes.subarray(0, 600);
  const escaped = JSON.stringify(shown.toString('latin1'));
  const more = bytes.length > shown.length ? ` ... (${bytes.length} bytes in all)` : '';
  return `  escaped (latin1): ${escaped}${more}\n  hex: ${shown.toString('hex')}${more}`;
}

describe.skipIf('missing' in oracle)('the reader against the Windows profile API (wine)', () => {
  it(`reads State and NumSCerts as the API does in every section of ${COUNT} generated records (seed ${SEED})`, () => {
    if ('missing' in oracle) return;
    const files = generate(SEED, COUNT);
    const paths = files.map((f) => {
      const path = join(work, f.name);
      writeFileSync(path, asWindowsReads(f.bytes));
      return path;
    });
    const started = performance.now();
    const api = oracle.read(paths, work);
    const probeMs = performance.now() - started;

    const failures: string[] = [];
    let differing = 0;
    files.forEach((file, i) => {
      const diffs = compare(file, api[i]!);
      if (diffs.length === 0) return;
      differing++;
      if (failures.length < 8) {
        const lines = diffs.map((x) => `  ${x.what}: kmsdb ${JSON.stringify(x.kmsdb)}, API ${JSON.stringify(x.api)}`);
        failures.push(`${file.name} (seed ${SEED}, file ${i}):\n${describeBytes(file.bytes)}\n${lines.join('\n')}`);
      }
    });
    console.log(
      `oracle: ${files.length} files, ${api.reduce((n, s) => n + s.length, 0)} sections, ${differing} differing; probe ${(probeMs / 1000).toFixed(1)} s`,
    );
    expect(failures, `${differing} of ${files.length} files read differently:\n\n${failures.join('\n\n')}`).toEqual([]);
  }, 300_000);

  it("reads each Windows rule's fixture, rewritten, as Windows reads the original", () => {
    if ('missing' in oracle) return;
    // The probe asks only for listed sections, never for "".
    const established = (w: { section: string; value: unknown }) => w.value !== 'not established' && w.section !== '';
    const rules = WINDOWS_RULES.filter((r) => r.fixture.windows.some(established));
    const paths = rules.map((r) => {
      const path = join(work, `rule-${r.id}.ini`);
      writeFileSync(path, asWindowsReads(r.fixture.bytes));
      return path;
    });
    const api = oracle.read(paths, work);
    const got = rules.map((r, i) =>
      r.fixture.windows.filter(established).map((w) => {
        const section = api[i]!.find((s) => foldName(requested(s.name)) === foldName(w.section));
        const reading = section && (w.key === 'State' || w.key === 'NumSCerts') ? section[w.key].str : null;
        return { rule: r.id, ...w, value: reading };
      }),
    );
    expect(got).toEqual(rules.map((r) => r.fixture.windows.filter(established).map((w) => ({ rule: r.id, ...w }))));
  }, 120_000);
});

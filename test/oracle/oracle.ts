import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { differOnlyBeyondAscii, findAll, foldName, hasNonAscii, readProfileInt, type Profile } from '../../src/profile/parse.js';
import { ROOT } from '../helpers/root.js';
import { setUpWine, winePath } from '../helpers/wine.js';

/** What the profile API returned for one key in one section; null is the caller's default. */
export interface ApiReading {
  int: number | null;
  str: string | null;
  truncated?: boolean;
}

export interface ApiSection {
  name: string;
  /** Key names GetPrivateProfileSectionW returns for the section. */
  keys: string[];
  keysTruncated?: boolean;
  State: ApiReading;
  NumSCerts: ApiReading;
}

const isBlank = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x1a;

/** A section name as the API looks it up: it trims the name it is asked for. */
export function requested(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && isBlank(name.charCodeAt(start))) start++;
  while (end > start && isBlank(name.charCodeAt(end - 1))) end--;
  return name.slice(start, end);
}

/** kmsdb's reading of a key when a caller asks for one section by name: the first entry the API could return there. */
export function kmsdbReading(profile: Profile, section: string, key: string): ApiReading {
  const wanted = foldName(requested(section));
  const entry = findAll(profile, key).find((e) => foldName(e.section) === wanted);
  return { int: readProfileInt(entry)?.value ?? null, str: entry?.value ?? null };
}

const RECORD_KEYS = ['State', 'NumSCerts'];

/**
 * Whether the API's own listing makes the record ambiguous by kmsdb's rules:
 * State or NumSCerts in more than one section (each name's first, as the API
 * finds it), or in a section another header matches only beyond ASCII case,
 * or a key that spells one of them with a non-ASCII letter. Null when a
 * section's keys did not fit the probe's buffer.
 */
export function apiAmbiguous(api: ApiSection[]): boolean | null {
  const firsts = new Map<string, ApiSection>();
  for (const s of api) {
    // GetPrivateProfileSectionW finds a listed name that keeps a blank before its NUL, but a value
    // lookup trims the name it is asked for and so never reads that section; the trimmed name, if a
    // header has it, is listed on its own.
    if (requested(s.name) !== s.name) continue;
    const name = foldName(s.name);
    if (name !== '' && !firsts.has(name)) firsts.set(name, s);
  }
  if ([...firsts.values()].some((s) => s.keysTruncated)) return null;
  const names = api.map((s) => s.name);
  for (const key of RECORD_KEYS) {
    const holders = [...firsts.values()].filter((s) => s.keys.some((k) => foldName(k) === foldName(key)));
    if (holders.length > 1) return true;
    if (holders.some((h) => names.some((other) => differOnlyBeyondAscii(requested(h.name), other)))) return true;
  }
  return [...firsts.values()].some((s) => s.keys.some((k) => hasNonAscii(k) && RECORD_KEYS.some((key) => differOnlyBeyondAscii(k, key))));
}

export interface Oracle {
  /** Every file's sections as GetPrivateProfileSectionNamesW lists them, with the readings in each. */
  read(files: string[], workDir: string): ApiSection[][];
}

const SOURCE = join(ROOT, 'test/oracle/probe.c');
const COMPILER = 'x86_64-w64-mingw32-gcc';
const FLAGS = ['-O2', '-Wall', '-Werror'];

/** The probe, built once per source and flags into .cache/oracle, or why it cannot be built. */
export function buildProbe(): string | { missing: string } {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(FLAGS.join(' ')).digest('hex').slice(0, 16);
  const exe = join(ROOT, '.cache', 'oracle', `probe-${hash}.exe`);
  if (existsSync(exe)) return exe;
  if (spawnSync(COMPILER, ['--version'], { stdio: 'ignore' }).status !== 0) {
    return { missing: `${COMPILER} is not installed (apt-get install -y gcc-mingw-w64-x86-64)` };
  }
  mkdirSync(join(ROOT, '.cache', 'oracle'), { recursive: true });
  const tmp = `${exe}.${process.pid}.tmp`;
  const cc = spawnSync(COMPILER, [...FLAGS, '-o', tmp, SOURCE], { encoding: 'utf8', timeout: 120_000 });
  if (cc.status !== 0) throw new Error(`the probe did not build:\n${cc.stderr}`);
  renameSync(tmp, exe);
  return exe;
}

/** The oracle: the probe under wine, or why there is none. */
export function setUpOracle(): Oracle | { missing: string } {
  const exe = buildProbe();
  if (typeof exe !== 'string') return exe;
  const wine = setUpWine();
  if (typeof wine === 'string') return { missing: wine };
  return {
    read(files, workDir) {
      // A list file, not arguments: thousands of paths overflow a command line.
      const list = join(workDir, 'probe-list.txt');
      writeFileSync(list, files.map((f) => `${winePath(f)}\n`).join(''));
      const out = join(workDir, 'probe-out.txt');
      const r = wine.run([exe, winePath(list)], out);
      if (r.code !== 0) throw new Error(`the probe failed (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
      const lines = r.stdout.split('\n').filter((l) => l.length > 0);
      const header = JSON.parse(lines.shift() ?? '{}') as { acp?: number };
      // Every ANSI record is Windows-1252 to kmsdb; the oracle must read it the same way.
      if (header.acp !== 1252) throw new Error(`the probe runs with ANSI code page ${header.acp}, not 1252`);
      const results = lines.map((l) => JSON.parse(l) as { file: number; sections: ApiSection[] });
      if (results.length !== files.length) throw new Error(`the probe read ${results.length} of ${files.length} files`);
      return results.map((r) => r.sections);
    },
  };
}

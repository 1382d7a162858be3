// Any name the file system holds round-trips: through get, reset, the audit
// log and restore, a record's file name comes back byte-exact, whatever
// Unicode it holds. Names kmsdb cannot name exactly are refused in one line.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/safety/audit.js';
import { logOf, runChange, STUCK } from '../helpers/change.js';
import { ansi, makeDb, ndjson, runKmsdb } from '../helpers/db.js';

/** What Linux allows in a name: anything but '/' and NUL, up to 255 bytes of UTF-8. */
const NAME_MAX = 255;
const fits = (base: string) => !/[/\0]/.test(base) && Buffer.byteLength(`${base}.ini`) <= NAME_MAX;

/** Characters that broke names before: line breaks of every kind, backslashes, dots, a BOM, quotes, astral. */
const tricky = fc.constantFrom(
  '\u2028',
  '\u2029',
  '\n',
  '\r',
  '\r\n',
  '\u0085',
  '\\',
  '.',
  ' ',
  '\uFEFF',
  '"',
  '\t',
  '😀',
  'é',
  'ß',
  '\u200D',
);
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const base = fc
  .array(fc.oneof(tricky, anyChar), { maxLength: 24 })
  .map((parts) => parts.join(''))
  .filter(fits);
/** A long name: as many bytes as the file system takes. */
const long = fc.constantFrom('é', 'a', '\u2028', '😀').map((c) => {
  let s = '';
  while (Buffer.byteLength(`${s}${c}.ini`) <= NAME_MAX) s += c;
  return s;
});

async function roundTrip(id: string): Promise<void> {
  const name = `${id}.ini`;
  const dir = makeDb({ [name]: STUCK });
  expect(readdirSync(dir)).toEqual([name]);

  const got = await runKmsdb(['get', '--path', dir, '--format', 'ndjson']);
  expect(got.stderr).toBe('');
  expect(got.code).toBe(0);
  const records = ndjson<{ id: string; path: string }>(got.stdout);
  expect(records.map((r) => [r.id, basename(r.path)])).toEqual([[id, name]]);

  const reset = await runChange(['reset', '--path', dir, '--stdin'], got.stdout);
  expect(reset.stderr).toBe('');
  expect(reset.results.map((r) => [r.status, r.id, basename(r.path)])).toEqual([['reset', id, name]]);

  const log = ndjson<AuditEntry>(readFileSync(logOf(dir), 'utf8'));
  expect(log.map((e) => [e.event, e.id, e.path])).toEqual([['reset', id, join(dir, name)]]);

  const restore = await runChange(['restore', '--path', dir, '--from-log', logOf(dir)]);
  expect(restore.stderr).toBe('');
  expect(restore.results.map((r) => [r.status, r.id, basename(r.path)])).toEqual([['restored', id, name]]);
  expect(readFileSync(join(dir, name))).toEqual(ansi(STUCK));
  expect(readdirSync(dir)).toEqual([name]);
}

describe.skipIf(process.platform === 'win32')('a record of any name round-trips', () => {
  it('through get, reset, the audit log and restore, byte-exact', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: long }), roundTrip), {
      numRuns: 12,
      examples: [[''], ['\u2028'], ['a\nb'], ['x\\Mc'], ['\\'], ['..'], ['M\r\nx'], ['.ini']],
    });
  }, 240_000);

  it.each(['é', 'a', '\u2028', '😀'])(
    'a name as long as the file system takes, of %j: its backups get a shortened name of their own',
    async (c) => {
      let id = '';
      while (Buffer.byteLength(`${id}${c}.ini`) <= NAME_MAX) id += c;
      await roundTrip(id);
    },
  );

  it("reset --id 'x\\Mc' names the record x\\Mc, never Mc", async () => {
    const dir = makeDb({ 'x\\Mc.ini': STUCK, 'Mc.ini': STUCK });
    const r = await runChange(['reset', '--path', dir, '--id', 'x\\Mc']);
    expect(r.results.map((x) => [x.id, basename(x.path), x.status])).toEqual([['x\\Mc', 'x\\Mc.ini', 'reset']]);
    expect(readFileSync(join(dir, 'Mc.ini'), 'latin1')).toBe(STUCK);
  });
});

describe('names that no file can have are refused in one line', () => {
  it.each([
    ['a lone high surrogate', '{"command":"reset","path":".","id":["M\\ud800"]}'],
    ['a lone low surrogate', '{"command":"reset","path":".","id":["M\\udc00x"]}'],
  ])('a request whose id holds %s: exit 2, nothing changed', async (_what, request) => {
    const dir = makeDb({ 'M\uFFFD.ini': STUCK });
    const r = await runKmsdb(['--request', '-'], { stdin: request.replace('"."', JSON.stringify(dir)) });
    // One line, and request mode's closing line with the exit code.
    const [line, closing, ...more] = r.stderr.trim().split('\n');
    expect(line).toMatch(/^kmsdb: an argument holds a lone surrogate \(U\+D[89A-F][0-9A-F]{2}\), which no file name can hold/);
    expect(closing).toBe('{"type":"exit","code":2}');
    expect(more).toEqual([]);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'M\uFFFD.ini'), 'latin1')).toBe(STUCK);
  });

  it('a record path on stdin with a lone surrogate: exit 2, nothing changed', async () => {
    const dir = makeDb({ 'M\uFFFD.ini': STUCK });
    const line = `{"path":${JSON.stringify(join(dir, 'M')).slice(0, -1)}\\ud800.ini"}`;
    const r = await runKmsdb(['reset', '--path', dir, '--stdin'], { stdin: line });
    expect(r.stderr).toMatch(/^kmsdb: stdin holds a lone surrogate \(U\+D800\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'M\uFFFD.ini'), 'latin1')).toBe(STUCK);
  });
});

describe('an audit log saved by Notepad', () => {
  it('with a UTF-8 BOM and no final line break: reset appends a line of its own, and restore reads every line', async () => {
    const dir = makeDb({ 'Ma.ini': STUCK, 'Mb.ini': STUCK });
    expect((await runChange(['reset', '--path', dir, '--id', 'Ma'])).code).toBe(0);
    const log = logOf(dir);
    writeFileSync(log, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(readFileSync(log, 'utf8').trimEnd())]));
    expect((await runChange(['reset', '--path', dir, '--id', 'Mb'])).code).toBe(0);
    const restore = await runChange(['restore', '--path', dir, '--from-log', log]);
    expect(restore.stderr).toBe('');
    expect(restore.results.map((r) => [r.id, r.status]).sort()).toEqual([
      ['Ma', 'restored'],
      ['Mb', 'restored'],
    ]);
    expect(readFileSync(join(dir, 'Ma.ini'), 'latin1')).toBe(STUCK);
    expect(readFileSync(join(dir, 'Mb.ini'), 'latin1')).toBe(STUCK);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import type { KmsRecord } from '../../src/records/record.js';
import { makeDb, ndjson, runKmsdb, tempDir } from '../helpers/db.js';

const STUCK = '[Client]\r\nAlias = jdoe\r\nState = 4\r\n';

function settingsFile(text: string): string {
  const file = join(tempDir(), 'kmsdb.ini');
  writeFileSync(file, text);
  return file;
}

const ids = (stdout: string) => ndjson<KmsRecord>(stdout).map((r) => r.id);

describe('the settings file', () => {
  it("gives get its database: this server's section over [defaults]", async () => {
    const other = makeDb({ 'Mother.ini': STUCK });
    const mine = makeDb({ 'Mmine.ini': STUCK });
    const server = hostname().split('.')[0]!.toUpperCase();
    const file = settingsFile(`; kmsdb settings\r\n[defaults]\r\ndatabase = ${other}\r\n\r\n[${server}]\r\nDatabase = ${mine}\r\n`);
    const r = await runKmsdb(['get', '--config', file, '--format', 'ndjson']);
    expect(r.stderr).toBe('');
    expect(ids(r.stdout)).toEqual(['Mmine']);
    const fallback = settingsFile(`[defaults]\ndatabase = ${other}\n[some-other-server]\ndatabase = ${mine}\n`);
    expect(ids((await runKmsdb(['get', '--config', fallback, '--format', 'ndjson'])).stdout)).toEqual(['Mother']);
  });

  it('is found through KMSDB_CONFIG, and --config and --path win over it', async () => {
    const a = makeDb({ 'Ma.ini': STUCK });
    const b = makeDb({ 'Mb.ini': STUCK });
    const env = { KMSDB_CONFIG: settingsFile(`[defaults]\ndatabase = ${a}\n`) };
    expect(ids((await runKmsdb(['get', '--format', 'ndjson'], { env })).stdout)).toEqual(['Ma']);
    expect(
      ids((await runKmsdb(['get', '--format', 'ndjson', '--config', settingsFile(`[defaults]\ndatabase = ${b}\n`)], { env })).stdout),
    ).toEqual(['Mb']);
    expect(ids((await runKmsdb(['get', '--format', 'ndjson', '--path', b], { env })).stdout)).toEqual(['Mb']);
  });

  it('gives reset its database, backup folder and log', async () => {
    const db = makeDb({ 'Ma.ini': STUCK });
    const elsewhere = tempDir();
    const file = settingsFile(
      `[defaults]\ndatabase = ${db}\nbackupDir = ${join(elsewhere, 'backups')}\nlog = ${join(elsewhere, 'audit.log')}\n`,
    );
    const r = await runKmsdb(['reset', '--config', file, '--id', 'Ma', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const [result] = ndjson<ChangeResult>(r.stdout);
    expect(dirname(result!.backupPath!)).toBe(join(elsewhere, 'backups'));
    expect(ndjson(readFileSync(join(elsewhere, 'audit.log'), 'utf8'))).toHaveLength(1);
  });

  it('runs a whole request from the settings', async () => {
    const db = makeDb({ 'Ma.ini': STUCK });
    const file = settingsFile(`[defaults]\ndatabase = ${db}\n`);
    const r = await runKmsdb(['--request', '-'], {
      stdin: JSON.stringify({ command: 'get', config: file, affected: true, format: 'ndjson' }),
    });
    expect(ids(r.stdout)).toEqual(['Ma']);
  });

  it.each([
    ['a misspelt key', '[defaults]\ndatabse = /x\n', /\[defaults\] has an unknown key 'databse'; the keys are database, backupDir, log\./],
    ['a key outside any section', 'database = /x\n', /'database' is outside any section/],
    [
      'a server named with dots',
      '[defaults]\nlog = /l\n[kms01.contoso.com]\ndatabase = /x\n',
      /\[kms01\.contoso\.com\] has a dot in its name; name a server's section by its short name/,
    ],
    [
      // The ini package reads [KMS01\.corp] as a section named "KMS01.corp", which no host's short name matches.
      'a server named with an escaped dot',
      '[defaults]\nlog = /l\n[kms01\\.contoso]\ndatabase = /x\n',
      /\[kms01\\\.contoso\] has a dot in its name; name a server's section by its short name/,
    ],
    ['an empty value', '[defaults]\ndatabase =\n', /\[defaults\] database must NOT have fewer than 1 characters/],
    ['a UNC path that lost a backslash', '[defaults]\ndatabase = \\\\kms01\\d$\\Clients\n', /looks like a UNC path that lost a backslash/],
  ])('refuses %s with exit 2, naming the file', async (_, text, message) => {
    const file = settingsFile(text);
    const r = await runKmsdb(['get', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`settings file ${file}`);
    expect(r.stderr).toMatch(message);
  });

  it('reads a UNC path written with doubled backslashes or forward slashes', async () => {
    const db = makeDb({ 'Ma.ini': STUCK });
    // On Linux a path starting with // is a plain absolute path, which is enough to see it arrive whole.
    const file = settingsFile(`[defaults]\ndatabase = /${db}\n`);
    expect(ids((await runKmsdb(['get', '--config', file, '--format', 'ndjson'])).stdout)).toEqual(['Ma']);
  });

  it('is an error when named but missing, and optional at the default location', async () => {
    const missing = join(tempDir(), 'none.ini');
    const named = await runKmsdb(['get', '--config', missing]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(new RegExp(`settings file ${missing.replace(/[/.]/g, '\\$&')} cannot be read: it does not exist`));
    const none = await runKmsdb(['get'], { env: { KMSDB_CONFIG: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--path is required \(or a database in the settings file\)/);
    expect(basename(missing)).toBe('none.ini');
  });
});

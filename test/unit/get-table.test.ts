import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGet } from '../../src/cli/get.js';
import { isTerminal, RecordTable, TextSink } from '../../src/cli/output.js';
import type { KmsRecord } from '../../src/records/record.js';
import { ROOT } from '../helpers/root.js';

const EXAMPLES = join(ROOT, 'examples/clients');

/** Runs `kmsdb get` in-process; `terminal` makes stdout say it is a TTY, as process.stdout does at a console. */
async function get(args: string[], terminal: boolean): Promise<string> {
  const stdout = Object.assign(new PassThrough(), terminal ? { isTTY: true } : {});
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough() };
  expect(await runGet(args, io)).toBe(0);
  return Buffer.concat(chunks).toString('utf8');
}

const record = (fields: Partial<KmsRecord>): KmsRecord => ({
  id: 'Ma',
  path: '/db/Ma.ini',
  state: 4,
  stateName: 'Recovery',
  numSCerts: null,
  affected: true,
  mailbox: null,
  alias: null,
  mailboxKey: null,
  sha256: null,
  encoding: 'windows-1252',
  lineEnding: 'CRLF',
  size: 10,
  lastWriteTime: null,
  warnings: [],
  ...fields,
});

async function table(records: KmsRecord[], total: number, byMailbox = false): Promise<string> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const out = new RecordTable(new TextSink(stream), total, byMailbox);
  await out.begin();
  for (const r of records) await out.item(r);
  await out.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('kmsdb get at a terminal', () => {
  it('prints a table of the records and how many are stuck', async () => {
    expect(await get(['--path', EXAMPLES], true)).toMatchInlineSnapshot(`
      "ID                MAILBOX                             STATE        NUMSCERTS    STUCK  WARNINGS
      Mb81kz0rrt5vy     …ou=Redmond/cn=Recipients/cn=user3  1 Undefined  -            no
      Mc4u0ma8s2qne     …u=Redmond/cn=Recipients/cn=user30  2            1            no
      Mjm9z6e1ud7oq     …u=Zürich/cn=Recipients/cn=jmuller  4 Recovery   -            yes
      Mq7c2hx0pwd1a     …u=Redmond/cn=Recipients/cn=asmith  4 Recovery   2            no
      Mw3p5n1hqk0ts     …u=Redmond/cn=Recipients/cn=bklein  4 Recovery   -            yes
      Mxclfr4zqvktn     …/ou=Redmond/cn=Recipients/cn=jdoe  4 Recovery   -            yes
      3 of 6 records are stuck.
      "
    `);
  });

  it('counts against what was read when filtered', async () => {
    expect((await get(['--path', EXAMPLES, '--affected'], true)).split('\n').slice(-2)).toEqual(['3 of 6 records are stuck.', '']);
    expect((await get(['--path', EXAMPLES, '--mailbox', 'user3*'], true)).split('\n').slice(-2)).toEqual([
      '2 of 6 records match --mailbox; 0 of them are stuck.',
      '',
    ]);
  });

  it('prints JSON, the same bytes as through a pipe, when --format is given', async () => {
    const piped = await get(['--path', EXAMPLES], false);
    expect(piped.startsWith('{"schemaVersion":1,"records":[\n')).toBe(true);
    expect(await get(['--path', EXAMPLES, '--format', 'json'], true)).toBe(piped);
    expect(await get(['--path', EXAMPLES, '--format', 'ndjson'], true)).toBe(await get(['--path', EXAMPLES, '--format', 'ndjson'], false));
  });

  it('knows a terminal by isTTY only', () => {
    expect(isTerminal(Object.assign(new PassThrough(), { isTTY: true }))).toBe(true);
    expect(isTerminal(new PassThrough())).toBe(false);
  });
});

describe('the table', () => {
  it('shows control characters and direction overrides in a record as ?, so a record cannot command the terminal', async () => {
    const text = await table([record({ id: 'M\u001b[2J', mailbox: 'evil\u001b]0;title\u0007\u202egnp.exe' })], 1);
    // eslint-disable-next-line no-control-regex -- what must not reach the terminal
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('M?[2J');
    expect(text).toContain('evil?]0;title??gnp.exe');
  });

  it('keeps every line within 100 columns, cutting long values', async () => {
    const long = record({
      id: 'M'.repeat(40),
      mailbox: `/o=Org/ou=Site/cn=Recipients/cn=${'x'.repeat(60)}`,
      state: -2147483648,
      stateName: null,
      numSCerts: -2147483648,
      warnings: ['duplicate-state', 'ambiguous-section', 'binary'].map((code) => ({ code, message: code })) as KmsRecord['warnings'],
    });
    const lines = (await table([long], 1)).split('\n');
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/^M{15}… {2}…x{33} {2}-2147483648 {2}-2147483648 {2}yes {4}duplicate-st…$/);
  });

  it('reads records the reader threads serialised as NDJSON as it reads the records themselves', async () => {
    const records = [record({ id: 'Ma' }), record({ id: 'Mb', affected: false, state: 1, stateName: 'Undefined' })];
    const direct = await table(records, 2);
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const out = new RecordTable(new TextSink(stream), 2, false);
    await out.begin();
    await out.encoded(Buffer.from(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`));
    await out.end();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(direct);
    expect(direct.split('\n').at(-2)).toBe('1 of 2 records is stuck.');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EXIT, exitCodeRows, type CommandName } from '../../src/cli/errors.js';
import { ROOT, runKmsdb } from '../helpers/db.js';

// Every document that lists kmsdb's exit codes is held to the one table in src/cli/errors.ts.

interface Row {
  code: number;
  name?: string;
  meaning: string;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const expected = (command?: CommandName, withName = false): Row[] =>
  exitCodeRows(command).map((r) => ({ code: r.code, ...(withName ? { name: r.name } : {}), meaning: r.meaning }));

/**
 * The rows of a plain-text list that follows the line `heading`: a row starts
 * with its code, then two spaces or more; more deeply indented lines go on
 * with its meaning. The list ends at a blank line after it or a line less
 * indented than its rows.
 */
function textRows(text: string, heading: string): Row[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const at = lines.indexOf(heading);
  expect(at, `no line '${heading}'`).toBeGreaterThanOrEqual(0);
  const rows: Row[] = [];
  let indent = -1;
  for (const line of lines.slice(at + 1)) {
    const start = /^( +)(\d+) {2,}(\S.*)$/.exec(line);
    if (start && (indent < 0 || start[1]?.length === indent)) {
      indent = start[1]?.length ?? 0;
      rows.push({ code: Number(start[2]), meaning: start[3] ?? '' });
    } else if (rows.length > 0 && line.length - line.trimStart().length > indent && line.trim() !== '') {
      const last = rows.at(-1) as Row;
      last.meaning += ` ${line.trim()}`;
    } else if (rows.length > 0) break;
  }
  return rows.map((r) => ({ ...r, meaning: oneLine(r.meaning) }));
}

/** The rows of the first Markdown table after `heading`, in the section it starts. */
function markdownRows(markdown: string, heading: string): Row[] {
  const lines = markdown.split('\n');
  const at = lines.indexOf(heading);
  expect(at, `no heading '${heading}' in docs/cli.md`).toBeGreaterThanOrEqual(0);
  const table = lines.slice(at + 1).findIndex((l) => l.startsWith('|'));
  const rows: Row[] = [];
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
  const header = cells(lines[at + 1 + table] ?? '');
  for (const line of lines.slice(at + 3 + table)) {
    if (!line.startsWith('|')) break;
    const row = Object.fromEntries(header.map((h, i) => [h, cells(line)[i] ?? '']));
    rows.push({
      code: Number(row.code),
      ...(row.name !== undefined ? { name: row.name.replace(/`/g, '') } : {}),
      meaning: row.meaning ?? '',
    });
  }
  return rows;
}

const CLI_DOC = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
const ABOUT = readFileSync(join(ROOT, 'ps-wrapper/en-US/about_KmsEnrollment.help.txt'), 'utf8');

describe('the exit codes: one table, and every document that lists them', () => {
  it('the table gives every code in EXIT a meaning, and each command its own codes', () => {
    expect(exitCodeRows().map((r) => r.code)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    for (const row of exitCodeRows()) expect(row.meaning).not.toBe('');
    expect(exitCodeRows('get').map((r) => r.code)).toEqual([0, 2, 3, 70, 74]);
    // Some record skipped or failed: a reset's and a restore's, never a get's.
    for (const command of ['reset', 'restore'] as const) expect(exitCodeRows(command).map((r) => r.code)).toEqual([0, 1, 2, 3, 4, 70, 74]);
  });

  it("docs/cli.md's table of exit codes is the table", () => {
    expect(markdownRows(CLI_DOC, '## Exit codes')).toEqual(expected(undefined, true));
  });

  it.each(COMMAND_NAMES)("docs/cli.md's section on kmsdb %s gives that command's exit codes", (command) => {
    expect(markdownRows(CLI_DOC, `### Exit codes of \`kmsdb ${command}\``)).toEqual(expected(command));
  });

  it('about_KmsEnrollment lists the table', () => {
    expect(textRows(ABOUT, 'EXIT CODES OF KMSDB')).toEqual(expected());
  });

  it('kmsdb --help lists the table', async () => {
    const r = await runKmsdb(['--help']);
    expect(r.code).toBe(0);
    expect(textRows(r.stdout, 'Exit codes:')).toEqual(expected());
  });

  it.each(COMMAND_NAMES)("kmsdb %s --help lists that command's exit codes", async (command) => {
    const r = await runKmsdb([command, '--help']);
    expect(r.code).toBe(0);
    expect(textRows(r.stdout, 'Exit codes:')).toEqual(expected(command));
  });
});

// A restore puts back the backup bytes that were planned, not whatever the backup holds at apply
// time: when no log vouches for the backup, a backup swapped between the plan and the answer is
// refused, also for a record planned `unchanged` (which the module confirms without asking).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import { sha, STUCK } from '../helpers/change.js';
import { KMSDB, makeDb, ndjson, tempDir } from '../helpers/db.js';

function converse(
  request: Record<string, unknown>,
  between: () => void,
  answer: string,
): Promise<{ plan: ChangeResult[]; results: ChangeResult[] }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = KMSDB as [string, ...string[]];
    const child = spawn(cmd, [...pre, '--request', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let answered = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (answered || !out.includes('{"type":"plan-end"}\n')) return;
      answered = true;
      between();
      child.stdin.end(`${answer}\n`);
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => {
      const [before, after = ''] = out.split('{"type":"plan-end"}\n');
      resolve({ plan: ndjson<ChangeResult>(before ?? ''), results: ndjson<ChangeResult>(after) });
    });
    child.stdin.on('error', () => {});
    child.stdin.write(`${JSON.stringify({ ...request, confirm: true, format: 'ndjson' })}\n`);
  });
}

const EVIL = STUCK.replace('cn=jdoe', 'cn=mallory');

describe('a confirmed restore writes exactly the planned bytes', () => {
  it.each([
    ['whatif', '[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=jdoe\r\nState = 1\r\n'],
    ['unchanged', STUCK],
  ])('a backup swapped after a %s plan is refused, not written', async (_status, recordNow) => {
    const dir = makeDb({ 'Ma.ini': recordNow });
    const backupDir = join(tempDir(), 'bk');
    mkdirSync(backupDir, { mode: 0o700 });
    const backup = join(backupDir, 'Ma.ini.20260101T000000000Z.bak');
    writeFileSync(backup, STUCK, { mode: 0o600 });
    const r = await converse(
      { command: 'restore', path: dir, backup: [backup], backupDir },
      () => writeFileSync(backup, EVIL),
      '{"confirm":[0]}',
    );
    expect(r.plan[0]?.status).toBe(_status);
    const now = readFileSync(join(dir, 'Ma.ini'));
    // What was written must be what was planned (sha256After), or nothing.
    expect([sha(recordNow), r.plan[0]!.sha256After]).toContain(sha(now));
  });
});

// Shared by the tests of reset and restore through the CLI: a stuck record,
// where kmsdb puts backups and the log, and a run that checks its results.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { ChangeResult } from '../../src/change/reset-restore.js';
import { expectValid } from './contract.js';
import { ndjson, runKmsdb } from './db.js';

export const STUCK = '[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=jdoe\r\nState = 4\r\n';

export const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The default backup folder of a database folder: beside it, its name with .kmsdb-backup. */
export const backupDirOf = (dir: string) => join(dirname(dir), `${basename(dir)}.kmsdb-backup`);

export const logOf = (dir: string) => join(backupDirOf(dir), 'kmsdb-audit.log');

/** Each file of a folder by its hash, to show that nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, sha(readFileSync(join(dir, n)))]));
}

/** Runs a kmsdb change command with NDJSON output; its results, each checked against the schema. */
export async function runChange(args: string[], stdin?: string) {
  const r = await runKmsdb([...args, '--format', 'ndjson'], stdin === undefined ? {} : { stdin });
  const results = r.code === 0 || r.code === 1 ? ndjson<ChangeResult>(r.stdout) : [];
  for (const x of results) expectValid('resetResult', x);
  return { ...r, results };
}

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDb, ROOT, tempDir } from '../helpers/db.js';

const BUNDLE = join(ROOT, 'dist/kmsdb.cjs');

/**
 * The Node built-in modules that one run of the bundle loads beyond what Node
 * itself had loaded when the bundle started. Start-up time is mostly module
 * loading (npm run bench -- --only startup), and the executables run this same
 * bundle; the list shows what a command pulls in without timing anything.
 */
function builtinsLoaded(args: string[]): string[] {
  const dir = tempDir();
  const preload = join(dir, 'preload.cjs');
  const out = join(dir, 'modules.json');
  writeFileSync(
    preload,
    `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m)))));
`,
  );
  // stdin is /dev/null: a run that makes process.stdin loads Node's file-stream module.
  const r = spawnSync(process.execPath, ['--require', preload, BUNDLE, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
}

describe('start-up loads only what the command uses', () => {
  it('--version loads no crypto, threads, argument parser or stdin', () => {
    const loaded = builtinsLoaded(['--version']);
    for (const name of ['crypto', 'worker_threads', 'internal/util/parse_args/parse_args', 'internal/fs/streams', 'os'])
      expect(loaded).not.toContain(name);
  });

  it('get of a small folder loads no threads and no stdin', () => {
    const dir = makeDb({ 'Ma.ini': '[Client]\r\nAlias = jdoe\r\nState = 4\r\n' });
    const loaded = builtinsLoaded(['get', '--path', dir, '--affected']);
    expect(loaded).toContain('crypto');
    for (const name of ['worker_threads', 'internal/fs/streams']) expect(loaded).not.toContain(name);
  });
});

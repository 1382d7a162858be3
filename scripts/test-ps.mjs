// Runs the module's Pester tests (test/ps) against dist/KmsEnrollment in both lanes: PowerShell 7
// for Linux and PowerShell 7 for Windows under wine (the Windows lane, against kmsdb.exe), at once.
// Under CI a lane that cannot run fails the run; the Pester tests learn whether this is CI from
// KMSDB_TEST_IN_CI, so that scripts/lib/ci.mjs stays the one place that decides it.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePester, ensurePwsh, IN_CI } from './lib/tools.mjs';
import { ensureWindowsLane, LANE_PWSH, runInLane, winePath } from './lib/windows-lane.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RUNNER = join(ROOT, 'test/ps/run.ps1');
const pester = ensurePester();
const failures = [];

/** The stub that stands in for kmsdb in tests of crashes and failed starts, built for one platform. */
function buildStub(compiler, file) {
  const source = join(ROOT, 'test/windows-lane/stub/kmsdb-stub.c');
  const out = join(ROOT, '.cache/stubs', file);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(join(out, '..'), { recursive: true });
    execFileSync(compiler, ['-O1', '-Wall', '-o', out, source], { stdio: 'inherit', timeout: 120_000 });
  }
  return out;
}

const only = process.argv[2];

/**
 * Each lane runs in a time zone other than UTC, and not the other's, so that a UTC time shown as local
 * (or a local one taken for UTC) is a wrong clock time in a test; wine maps TZ to the Windows zone.
 */
const LANE_TIME_ZONES = { linux: 'America/New_York', windows: 'Asia/Kolkata' };

/**
 * Starts the Linux lane. Alone, its output goes straight to the terminal. Beside the Windows lane
 * it goes to a file, shown when the Windows lane is done: the two lanes run at once, since the
 * Windows lane mostly waits on wine and each lane alone left a core of CI's two idle.
 */
function startLinuxLane(alongside) {
  console.log(`== Pester: PowerShell 7 for Linux${alongside ? ' (running beside the Windows lane; its output follows it)' : ''}`);
  const pwsh = ensurePwsh();
  const log = join(ROOT, '.cache', 'linux-lane.log');
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const out = alongside ? openSync(log, 'w') : 'inherit';
  const child = spawn(pwsh, ['-NoProfile', '-NonInteractive', '-File', RUNNER, '-PesterPath', pester], {
    stdio: ['ignore', out, out],
    cwd: ROOT,
    // Tests that need a PowerShell of their own start this one.
    env: {
      ...process.env,
      KMSDB_TEST_PWSH: pwsh,
      KMSDB_TEST_STUB: buildStub('gcc', 'kmsdb-stub'),
      KMSDB_TEST_IN_CI: IN_CI ? '1' : '',
      TZ: LANE_TIME_ZONES.linux,
    },
    timeout: 900_000,
  });
  if (typeof out === 'number') closeSync(out);
  return new Promise((resolve) => {
    child.on('error', (err) => resolve({ status: null, signal: err.message }));
    child.on('close', (status, signal) => resolve({ status, signal }));
  }).then((r) => {
    if (alongside) {
      console.log('== Pester: PowerShell 7 for Linux, its output');
      process.stdout.write(readFileSync(log, 'utf8'));
    }
    if (r.status !== 0) failures.push(`the Linux lane failed (exit ${r.status ?? r.signal})`);
  });
}

const linuxLane = only === 'windows' ? Promise.resolve() : startLinuxLane(only !== 'linux');

if (only !== 'linux') {
  console.log('== Pester: PowerShell 7 for Windows, under wine (the Windows lane)');
  const reason = ensureWindowsLane();
  if (reason) {
    const message = `THE WINDOWS LANE DID NOT RUN: ${reason}`;
    if (IN_CI) failures.push(message);
    else console.warn(`\n!!! ${message} !!!\n`);
  } else {
    const started = Date.now();
    const r = runInLane(['-NoProfile', '-NonInteractive', '-File', winePath(RUNNER), '-PesterPath', winePath(pester)], {
      timeoutMs: 900_000,
      echo: true,
      env: {
        KMSDB_TEST_PWSH: LANE_PWSH,
        KMSDB_TEST_STUB: winePath(buildStub('x86_64-w64-mingw32-gcc', 'kmsdb-stub.exe')),
        KMSDB_TEST_IN_CI: IN_CI ? '1' : '',
        TZ: LANE_TIME_ZONES.windows,
      },
    });
    if (r.stderr.trim()) process.stderr.write(`${r.stderr.trim()}\n`);
    console.log(`== the Windows lane took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (r.code !== 0) failures.push(`the Windows lane failed (exit ${r.code})`);
  }
}

await linuxLane;
for (const f of failures) console.error(`!!! ${f}`);
process.exitCode = failures.length > 0 ? 1 : 0;

// Runs the module's Pester tests (test/ps) against dist/KmsEnrollment in both lanes: PowerShell 7
// for Linux, then PowerShell 7 for Windows under wine (the Windows lane, against kmsdb.exe).
// Under CI a lane that cannot run fails the run; the Pester tests learn whether this is CI from
// KMSDB_TEST_IN_CI, so that scripts/lib/ci.mjs stays the one place that decides it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
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
if (only !== 'windows') {
  console.log('== Pester: PowerShell 7 for Linux');
  const pwsh = ensurePwsh();
  const r = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-File', RUNNER, '-PesterPath', pester], {
    stdio: 'inherit',
    cwd: ROOT,
    // Tests that need a PowerShell of their own start this one.
    env: { ...process.env, KMSDB_TEST_PWSH: pwsh, KMSDB_TEST_STUB: buildStub('gcc', 'kmsdb-stub'), KMSDB_TEST_IN_CI: IN_CI ? '1' : '' },
    timeout: 900_000,
  });
  if (r.status !== 0) failures.push(`the Linux lane failed (exit ${r.status ?? r.signal})`);
}

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
      },
    });
    if (r.stderr.trim()) process.stderr.write(`${r.stderr.trim()}\n`);
    console.log(`== the Windows lane took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (r.code !== 0) failures.push(`the Windows lane failed (exit ${r.code})`);
  }
}

for (const f of failures) console.error(`!!! ${f}`);
process.exitCode = failures.length > 0 ? 1 : 0;

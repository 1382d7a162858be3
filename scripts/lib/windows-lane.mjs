// The Windows lane: PowerShell 7 for Windows running under wine, where the module's Pester tests
// run against kmsdb.exe on Windows' own code paths ($IsWindows, Windows paths, .exe resolution,
// Windows exit codes). pwsh's console host does not start under wine, so a small host of the
// project's own (test/windows-lane/host) stands in for pwsh.dll in a copy of PowerShell for Windows.
//
// Set-up is cached in .cache/windows-lane, keyed by the versions and the host's source.
// The traps it avoids, each found by trial:
// - DOTNET_EnableWriteXorExecute=0, or the CLR dies at its first garbage collection under Pester.
// - The WindowsDesktop runtime must be there too (pwsh's runtimeconfig names it); without it the
//   run loops on access violations and hangs. So does much else that fails: every call is timed.
// - pwsh.exe looks for .NET in C:\Program Files\dotnet, not beside itself.
// - wine's stderr must be a file: a kmsdb.exe that inherits a unix pipe as stderr dies (EBADF).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureWinePrefix, WINE_PREFIX, wineEnv, winePath } from './wine.mjs';
import { pwshWindowsDir, PWSH_VERSION, restoreFromNuGet } from './tools.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const LANE = join(ROOT, '.cache', 'windows-lane');
const HOST_SRC = join(ROOT, 'test', 'windows-lane', 'host');
/** The .NET for Windows that PowerShell 7.6.9 runs on. */
export const DOTNET_RUNTIME = '10.0.12';
const PWSH_DIR = join(LANE, 'pwsh');
const STAMP = join(LANE, 'ready.json');

/** Everything a run in the lane needs from its environment. */
export function laneEnv(extra = {}) {
  return wineEnv({ DOTNET_EnableWriteXorExecute: '0', NO_COLOR: '1', ...extra });
}

function cacheKey() {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ PWSH_VERSION, DOTNET_RUNTIME }));
  for (const name of readdirSync(HOST_SRC).sort()) hash.update(name).update(readFileSync(join(HOST_SRC, name)));
  return hash.digest('hex');
}

function step(what, fn) {
  const started = Date.now();
  fn();
  console.log(`== windows lane: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Puts .NET for Windows where pwsh.exe looks for it: C:\Program Files\dotnet in the prefix. */
function installRuntimes(packages) {
  const dotnet = join(WINE_PREFIX, 'drive_c', 'Program Files', 'dotnet');
  const core = join(packages, 'microsoft.netcore.app.runtime.win-x64', DOTNET_RUNTIME, 'runtimes', 'win-x64');
  const desktop = join(packages, 'microsoft.windowsdesktop.app.runtime.win-x64', DOTNET_RUNTIME, 'runtimes', 'win-x64');
  const fxr = join(dotnet, 'host', 'fxr', DOTNET_RUNTIME);
  mkdirSync(fxr, { recursive: true });
  cpSync(join(core, 'native', 'hostfxr.dll'), join(fxr, 'hostfxr.dll'));
  for (const [from, name] of [
    [core, 'Microsoft.NETCore.App'],
    [desktop, 'Microsoft.WindowsDesktop.App'],
  ]) {
    const to = join(dotnet, 'shared', name, DOTNET_RUNTIME);
    cpSync(join(from, 'lib', 'net10.0'), to, { recursive: true });
    cpSync(join(from, 'native'), to, { recursive: true });
  }
}

/**
 * Builds the lane when the cache is missing or stale. Returns null when it is ready, else why
 * it cannot be built here.
 */
export function ensureWindowsLane() {
  const started = Date.now();
  const noWine = ensureWinePrefix();
  if (noWine) return noWine;
  const key = cacheKey();
  if (existsSync(STAMP) && JSON.parse(readFileSync(STAMP, 'utf8')).key === key && existsSync(join(PWSH_DIR, 'pwsh.exe'))) return null;
  console.log(`== windows lane: setting up PowerShell ${PWSH_VERSION} for Windows under wine in .cache/windows-lane`);
  rmSync(LANE, { recursive: true, force: true });
  mkdirSync(LANE, { recursive: true });
  const packages = join(LANE, 'nuget');
  const windowsPwsh = pwshWindowsDir();
  step(`.NET ${DOTNET_RUNTIME} for Windows restored from NuGet`, () =>
    restoreFromNuGet(
      ['Microsoft.NETCore.App.Runtime.win-x64', 'Microsoft.WindowsDesktop.App.Runtime.win-x64'].map((id) => [id, DOTNET_RUNTIME]),
      packages,
    ),
  );
  step('.NET installed into the wine prefix', () => installRuntimes(packages));
  step('host built', () => {
    const out = join(LANE, 'host-bin');
    execFileSync(
      'dotnet',
      [
        'build',
        join(HOST_SRC, 'pwsh.csproj'),
        '-c',
        'Release',
        `-p:PwshDir=${windowsPwsh}`,
        '-o',
        out,
        `-p:BaseIntermediateOutputPath=${join(LANE, 'host-obj')}/`,
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 600_000,
      },
    );
    cpSync(windowsPwsh, PWSH_DIR, { recursive: true });
    cpSync(join(out, 'pwsh.dll'), join(PWSH_DIR, 'pwsh.dll'));
  });
  const probe = runInLane(['-NoProfile', '-NonInteractive', '-Command', '"$($PSVersionTable.PSVersion) $IsWindows"'], {
    timeoutMs: 300_000,
  });
  if (probe.code !== 0 || probe.stdout.trim() !== `${PWSH_VERSION} True`) {
    return `PowerShell for Windows did not start under wine (exit ${probe.code}): ${probe.stdout} ${probe.stderr}`.trim();
  }
  writeFileSync(STAMP, JSON.stringify({ key }));
  console.log(`== windows lane: ready, set up in ${((Date.now() - started) / 1000).toFixed(1)} s (wine prefix, .NET, host, first start)`);
  return null;
}

/** The lane's pwsh.exe, as a Windows path: what tests start when they need a PowerShell of their own. */
export const LANE_PWSH = winePath(join(PWSH_DIR, 'pwsh.exe'));

/**
 * Runs the lane's pwsh with `args`, under a timeout (a failure under wine often hangs). Standard
 * input is empty, and output goes to files, since kmsdb.exe started inside inherits them.
 */
export function runInLane(args, { timeoutMs = 600_000, env = {}, echo = false } = {}) {
  mkdirSync(LANE, { recursive: true });
  const outFile = join(LANE, 'last.out');
  const errFile = join(LANE, 'last.err');
  const fds = [openSync('/dev/null', 'r'), echo ? 'inherit' : openSync(outFile, 'w'), openSync(errFile, 'w')];
  let r;
  try {
    r = spawnSync('wine', [join(PWSH_DIR, 'pwsh.exe'), ...args], { env: laneEnv(env), stdio: fds, timeout: timeoutMs });
  } finally {
    for (const fd of fds) if (typeof fd === 'number') closeSync(fd);
  }
  if (r.error || r.signal) {
    // What wine started outlives a killed launcher: end it all, or the next run waits on it.
    spawnSync('wineserver', ['-k'], { env: laneEnv(), stdio: 'ignore', timeout: 60_000 });
  }
  const stderr = readFileSync(errFile, 'utf8')
    .split('\n')
    .filter((line) => !line.includes('Read access denied for device'))
    .join('\n');
  const timedOut = r.signal === 'SIGTERM' && r.error?.code === 'ETIMEDOUT';
  return {
    code: timedOut ? `timed out after ${timeoutMs / 1000} s` : r.status,
    stdout: echo ? '' : readFileSync(outFile, 'utf8'),
    stderr,
  };
}

export { winePath };

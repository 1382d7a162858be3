// The test tools that are not npm packages: PowerShell 7 (a .NET tool), Pester
// (from NuGet) and wine (from Debian). Each is found, or installed into .tools/.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TOOLS = join(ROOT, '.tools');
export const PWSH_VERSION = '7.6.9';
export const PESTER_VERSION = '5.7.1';

const exe = (name) => (process.platform === 'win32' ? `${name}.exe` : name);
export { IN_CI } from './ci.mjs';

const onPath = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/**
 * pwsh on the PATH, else the one in .tools, installed there with `dotnet tool install` when missing
 * and then compiled ahead of time (readyToRun) as PowerShell's release packages are.
 */
export function ensurePwsh() {
  const local = join(TOOLS, exe('pwsh'));
  if (!existsSync(local)) {
    if (onPath('pwsh', ['-NoProfile', '-Command', 'exit 0'])) return 'pwsh';
    console.log(`== installing PowerShell ${PWSH_VERSION} into .tools`);
    execFileSync('dotnet', ['tool', 'install', '--tool-path', TOOLS, 'PowerShell', '--version', PWSH_VERSION], { stdio: 'inherit' });
  }
  if (process.platform === 'linux' && process.arch === 'x64') readyToRun(pwshDir('unix'));
  return local;
}

/** A folder of the PowerShell dotnet tool's build for `os` (unix or win). */
const pwshDir = (os) => join(TOOLS, '.store', 'powershell', PWSH_VERSION, 'powershell', PWSH_VERSION, 'tools', 'net10.0', 'any', os);

/** Written into a folder of PowerShell's assemblies once readyToRun has compiled them. */
const READY_TO_RUN = '.ready-to-run';

/** The .NET runtime the SDK here runs on: its version and its folder of assemblies. */
function localRuntime() {
  const runtime = /^Microsoft\.NETCore\.App (\S+) \[(.+)\]$/m.exec(execFileSync('dotnet', ['--list-runtimes'], { encoding: 'utf8' }));
  if (!runtime) throw new Error('dotnet --list-runtimes names no Microsoft.NETCore.App');
  return { version: runtime[1], dir: join(runtime[2], runtime[1]) };
}

/** crossgen2 for .NET `version` (this SDK's runtime), restored from NuGet into .tools/nuget when missing. */
function crossgen2(version) {
  const packages = join(TOOLS, 'nuget');
  const tool = join(packages, 'microsoft.netcore.app.crossgen2.linux-x64', version, 'tools', 'crossgen2');
  if (existsSync(tool)) return tool;
  // The SDK picks the crossgen2 that matches its runtime: a project that asks for readyToRun names it.
  const work = mkdtempSync(join(tmpdir(), 'kmsdb-crossgen-'));
  try {
    writeFileSync(
      join(work, 'r2r.csproj'),
      '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework>' +
        '<RuntimeIdentifier>linux-x64</RuntimeIdentifier><PublishReadyToRun>true</PublishReadyToRun></PropertyGroup></Project>',
    );
    execFileSync('dotnet', ['restore', join(work, 'r2r.csproj'), '--packages', packages], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(tool)) throw new Error(`crossgen2 for .NET ${version} did not restore to ${tool}`);
  return tool;
}

/**
 * Compiles the assemblies in `dir` ahead of time with crossgen2, against this SDK's .NET runtime, as
 * PowerShell's release packages (the MSI, the zip and the tar.gz that admins install) are; Windows
 * PowerShell's are NGEN'd. The PowerShell dotnet tool ships them as IL alone: a process that
 * JIT-compiles the parser and the engine before it runs anything is not what an admin waits for, and
 * `npm run bench` measures the module's import and pipeline on what admins run. .NET's own assemblies
 * are compiled already. Done once: READY_TO_RUN marks the folder.
 */
function readyToRun(dir) {
  if (existsSync(join(dir, READY_TO_RUN))) return;
  console.log(`== compiling PowerShell ${PWSH_VERSION} ahead of time (readyToRun), as its release packages are`);
  const started = Date.now();
  const runtime = localRuntime();
  const tool = crossgen2(runtime.version);
  const names = readdirSync(dir).filter((n) => n.endsWith('.dll'));
  const out = mkdtempSync(join(tmpdir(), 'kmsdb-r2r-'));
  try {
    // Two at a time (xargs -P 2): crossgen2 keeps some 1.5 of the 2 cores busy on its own.
    const refs = [runtime.dir, dir].flatMap((d) => ['-r', join(d, '*.dll')]);
    const args = [...refs, '--targetos', 'linux', '--targetarch', 'x64', '-O', join(dir, '{}'), '-o', join(out, '{}')];
    const run = spawnSync('xargs', ['-0', '-P', '2', '-I', '{}', tool, ...args], {
      input: names.join('\0'),
      stdio: ['pipe', 'ignore', 'inherit'],
      timeout: 1_200_000,
    });
    if (run.status !== 0) throw new Error(`crossgen2 failed on an assembly in ${dir} (xargs exit ${run.status})`);
    // Every assembly compiled against the others as they were; only then does any of them change.
    for (const name of names) copyFileSync(join(out, name), join(dir, name));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  writeFileSync(join(dir, READY_TO_RUN), `crossgen2 ${runtime.version}\n`);
  console.log(`== ${names.length} assemblies compiled ahead of time in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The folder of PowerShell for Windows that the PowerShell dotnet tool ships beside its Unix build
 * (tools/net10.0/any/win): what the Windows lane runs. Installs the tool into .tools when missing.
 */
export function pwshWindowsDir() {
  const dir = pwshDir('win');
  if (!existsSync(dir)) {
    console.log(`== installing PowerShell ${PWSH_VERSION} into .tools (the Windows lane uses its Windows build)`);
    execFileSync('dotnet', ['tool', 'install', '--tool-path', TOOLS, 'PowerShell', '--version', PWSH_VERSION], { stdio: 'inherit' });
  }
  return dir;
}

/**
 * Downloads NuGet packages ([id, version] pairs) into `folder` with NuGet's own client: a
 * throwaway project only names them.
 */
export function restoreFromNuGet(packages, folder) {
  const work = mkdtempSync(join(tmpdir(), 'kmsdb-nuget-'));
  try {
    const items = packages.map(([id, version]) => `<PackageDownload Include="${id}" Version="[${version}]" />`).join('');
    writeFileSync(
      join(work, 'fetch.proj'),
      `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup>${items}</ItemGroup></Project>`,
    );
    mkdirSync(folder, { recursive: true });
    execFileSync('dotnet', ['restore', join(work, 'fetch.proj'), '--packages', folder], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The Pester module manifest, restored from NuGet into .tools/nuget when missing. */
export function ensurePester() {
  const manifest = join(TOOLS, 'nuget', 'pester', PESTER_VERSION, 'tools', 'Pester.psd1');
  if (existsSync(manifest)) return manifest;
  console.log(`== restoring Pester ${PESTER_VERSION} from NuGet into .tools/nuget`);
  restoreFromNuGet([['Pester', PESTER_VERSION]], join(TOOLS, 'nuget'));
  if (!existsSync(manifest)) throw new Error(`Pester ${PESTER_VERSION} did not restore to ${manifest}`);
  return manifest;
}

/** Programs the tests use from Debian, each with the package that has it. */
const DEBIAN = [
  // Debian's wine64 alone gives no `wine` command: the package wine does.
  { what: 'wine (kmsdb.exe and the Windows lane run under it)', present: () => onPath('wine'), pkgs: ['wine', 'wine64'] },
  { what: 'mingw-w64 (builds the Windows test programs)', present: () => onPath('x86_64-w64-mingw32-gcc'), pkgs: ['gcc-mingw-w64-x86-64'] },
  {
    what: 'osslsigncode and openssl (signing is tested with a throwaway certificate)',
    present: () => onPath('osslsigncode', ['--version']) && onPath('openssl', ['version']),
    pkgs: ['osslsigncode', 'openssl'],
  },
  {
    what: 'sshd (remoting is tested over SSH)',
    present: () => existsSync('/usr/sbin/sshd') && onPath('ssh', ['-V']),
    pkgs: ['openssh-server'],
  },
];

/**
 * Installs from Debian what is missing, when this process may (root, with
 * apt-get). Returns a sentence for each thing still missing.
 */
export function ensureDebianTools() {
  let missing = DEBIAN.filter((t) => !t.present());
  if (missing.length === 0) return [];
  if (process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get', ['--version'])) {
    const pkgs = missing.flatMap((t) => t.pkgs);
    console.log(`== installing ${pkgs.join(', ')} from Debian`);
    // RUNLEVEL=1 keeps the packages' scripts from starting services (no system sshd on port 22).
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'ignore', env, timeout: 1_200_000 });
    missing = missing.filter((t) => !t.present());
  }
  return missing.map((t) => `${t.what} is missing (apt-get install -y ${t.pkgs.join(' ')} as root)`);
}

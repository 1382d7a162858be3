// The test tools that are not npm packages: PowerShell 7 (a .NET tool), Pester
// (from NuGet) and wine (from Debian). Each is found, or installed into .tools/.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TOOLS = join(ROOT, '.tools');
export const PWSH_VERSION = '7.6.9';
export const PESTER_VERSION = '5.7.1';

const exe = (name) => (process.platform === 'win32' ? `${name}.exe` : name);
export { IN_CI } from './ci.mjs';

const onPath = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** pwsh on the PATH, else the one in .tools, installed there with `dotnet tool install` when missing. */
export function ensurePwsh() {
  const local = join(TOOLS, exe('pwsh'));
  if (existsSync(local)) return local;
  if (onPath('pwsh', ['-NoProfile', '-Command', 'exit 0'])) return 'pwsh';
  console.log(`== installing PowerShell ${PWSH_VERSION} into .tools`);
  execFileSync('dotnet', ['tool', 'install', '--tool-path', TOOLS, 'PowerShell', '--version', PWSH_VERSION], { stdio: 'inherit' });
  return local;
}

/**
 * The folder of PowerShell for Windows that the PowerShell dotnet tool ships beside its Unix build
 * (tools/net10.0/any/win): what the Windows lane runs. Installs the tool into .tools when missing.
 */
export function pwshWindowsDir() {
  const dir = join(TOOLS, '.store', 'powershell', PWSH_VERSION, 'powershell', PWSH_VERSION, 'tools', 'net10.0', 'any', 'win');
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

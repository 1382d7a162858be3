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

/** The Pester module manifest, restored from NuGet into .tools/nuget when missing. */
export function ensurePester() {
  const manifest = join(TOOLS, 'nuget', 'pester', PESTER_VERSION, 'tools', 'Pester.psd1');
  if (existsSync(manifest)) return manifest;
  console.log(`== restoring Pester ${PESTER_VERSION} from NuGet into .tools/nuget`);
  // NuGet's own client fetches the package; the throwaway project only names it.
  const work = mkdtempSync(join(tmpdir(), 'kmsdb-pester-'));
  try {
    writeFileSync(
      join(work, 'fetch.proj'),
      `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>` +
        `<ItemGroup><PackageDownload Include="Pester" Version="[${PESTER_VERSION}]" /></ItemGroup></Project>`,
    );
    mkdirSync(join(TOOLS, 'nuget'), { recursive: true });
    execFileSync('dotnet', ['restore', join(work, 'fetch.proj'), '--packages', join(TOOLS, 'nuget')], { stdio: 'inherit' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(manifest)) throw new Error(`Pester ${PESTER_VERSION} did not restore to ${manifest}`);
  return manifest;
}

/** Programs the tests use from Debian, each with the package that has it. */
const DEBIAN = [
  { what: 'wine (the Windows executable is checked under it)', present: () => onPath('wine'), pkg: 'wine64' },
  { what: 'sshd (remoting is tested over SSH)', present: () => existsSync('/usr/sbin/sshd') && onPath('ssh', ['-V']), pkg: 'openssh-server' },
];

/**
 * Installs from Debian what is missing, when this process may (root, with
 * apt-get). Returns a sentence for each thing still missing.
 */
export function ensureDebianTools() {
  let missing = DEBIAN.filter((t) => !t.present());
  if (missing.length === 0) return [];
  if (process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get', ['--version'])) {
    console.log(`== installing ${missing.map((t) => t.pkg).join(', ')} from Debian`);
    // RUNLEVEL=1 keeps the packages' scripts from starting services (no system sshd on port 22).
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((t) => t.pkg)], { stdio: 'ignore', env });
    missing = missing.filter((t) => !t.present());
  }
  return missing.map((t) => `${t.what} is missing (apt-get install -y ${t.pkg} as root)`);
}

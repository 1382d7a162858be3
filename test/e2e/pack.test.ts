import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/db.js';
import { needTools, pwshPath } from '../helpers/tools.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const MODULE_FILES = [
  'KmsEnrollment.psd1',
  'KmsEnrollment.psm1',
  'KmsEnrollment.Format.ps1xml',
  'en-US/about_KmsEnrollment.help.txt',
  'Examples/Invoke-KmsScheduledReset.ps1',
];

/** Entry names of an archive and the Unix modes it records; Python's zipfile checks every CRC. */
function listing(archive: string): Record<string, string> {
  const r = spawnSync(
    'python3',
    [
      '-c',
      'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, oct(i.external_attr>>16))',
      archive,
    ],
    { encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')),
  );
}

const PACKAGES = [`KmsEnrollment-${version}-win-x64.zip`, `KmsEnrollment-${version}-linux-x64.zip`, `KmsEnrollment.${version}.nupkg`];

/** Packs the current build into a new folder, in time zone `tz`; SOURCE_DATE_EPOCH left to the commit. */
function pack(tz: string): string {
  const dir = tempDir();
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: tz };
  delete env.SOURCE_DATE_EPOCH;
  execFileSync(process.execPath, [join(ROOT, 'scripts/pack.mjs'), '--out', dir], { cwd: ROOT, stdio: 'pipe', env });
  return dir;
}

describe('npm run pack', { tags: ['slow'] }, () => {
  let out: string;
  beforeAll(() => {
    out = pack('Pacific/Auckland');
  }, 300_000);

  it('makes the same bytes in another time zone, at another time: every entry dated by the commit', { timeout: 300_000 }, () => {
    const again = pack('America/Los_Angeles');
    for (const name of PACKAGES) expect(readFileSync(join(again, name)).equals(readFileSync(join(out, name))), name).toBe(true);
    const commit = Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT, encoding: 'utf8' }).trim());
    // A ZIP's DOS time has two-second steps and no zone: the packages write it in UTC.
    const utc = new Date(Math.floor(commit / 2) * 2000).toISOString().slice(0, 19);
    const times = spawnSync(
      'python3',
      [
        '-c',
        'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print("%04d-%02d-%02dT%02d:%02d:%02d" % i.date_time)',
        join(out, PACKAGES[0]!),
      ],
      { encoding: 'utf8' },
    )
      .stdout.trim()
      .split('\n');
    expect(new Set(times)).toEqual(new Set([utc]));
  });

  it('makes one zip per platform, each with its own executable only', () => {
    const win = listing(join(out, `KmsEnrollment-${version}-win-x64.zip`));
    const linux = listing(join(out, `KmsEnrollment-${version}-linux-x64.zip`));
    expect(Object.keys(win).filter((n) => n.includes('/bin/'))).toEqual(['KmsEnrollment/bin/win-x64/kmsdb.exe']);
    expect(Object.keys(linux).filter((n) => n.includes('/bin/'))).toEqual(['KmsEnrollment/bin/linux-x64/kmsdb']);
    expect(linux['KmsEnrollment/bin/linux-x64/kmsdb']).toBe('0o100755');
    for (const entries of [win, linux]) {
      for (const file of MODULE_FILES) expect(entries[`KmsEnrollment/${file}`], file).toBeDefined();
      expect(Object.keys(entries).some((name) => /tests?\//i.test(name))).toBe(false);
      // The build merges Public/ and Private/ into the .psm1, which imports faster than the files dot-sourced one by one;
      // the one script is the scheduled task's, which runs apart from the module.
      expect(Object.keys(entries).filter((name) => /\.ps1$/i.test(name))).toEqual(['KmsEnrollment/Examples/Invoke-KmsScheduledReset.ps1']);
    }
    // The Windows package is what a Windows server downloads: no Linux executable in it.
    expect(statSync(join(out, `KmsEnrollment-${version}-win-x64.zip`)).size).toBeLessThan(50 * 1024 * 1024);
  });

  it('makes the module nupkg: a nuspec with what a gallery shows, the module files at the root', () => {
    const nupkg = join(out, `KmsEnrollment.${version}.nupkg`);
    const entries = listing(nupkg);
    for (const file of [
      ...MODULE_FILES,
      'bin/win-x64/kmsdb.exe',
      'bin/linux-x64/kmsdb',
      'KmsEnrollment.nuspec',
      '[Content_Types].xml',
      '_rels/.rels',
    ])
      expect(entries[file], file).toBeDefined();
    const nuspec = spawnSync(
      'python3',
      ['-c', 'import sys,zipfile\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("KmsEnrollment.nuspec").decode())', nupkg],
      { encoding: 'utf8' },
    ).stdout;
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(nuspec)?.[1];
    expect(field('id')).toBe('KmsEnrollment');
    expect(field('version')).toBe(version);
    expect(field('authors')).toBeTruthy();
    expect(field('description')).toMatch(/Q198709/);
    expect(field('licenseUrl')).toMatch(/^https:\/\//);
    // CHANGELOG.md's entry, which the build puts in the manifest (test/ps/Module.Tests.ps1 compares the whole text).
    expect(field('releaseNotes')).toMatch(new RegExp(`^## \\[(Unreleased|${version.replace(/\./g, '\\.')})\\]\n\n### `));
    expect(field('tags')?.split(' ')).toEqual(
      expect.arrayContaining([
        'PSModule',
        'PSEdition_Desktop',
        'PSEdition_Core',
        'Windows',
        'Linux',
        'PSFunction_Get-KmsRecord',
        'PSCommand_Reset-KmsEnrollment',
      ]),
    );
  });

  it(
    'installs with Install-PSResource from a local repository, into a fresh pwsh, and reads the sample database',
    { timeout: 300_000 },
    (ctx) => {
      needTools(ctx, [
        { cmd: pwshPath(), args: ['-NoProfile', '-Command', 'exit 0'], pkg: 'powershell (npm test installs it into .tools)' },
      ]);
      const work = tempDir();
      const repo = join(work, 'repo');
      const home = join(work, 'home');
      mkdirSync(repo);
      mkdirSync(home);
      copyFileSync(join(out, `KmsEnrollment.${version}.nupkg`), join(repo, `KmsEnrollment.${version}.nupkg`));
      const script = [
        "$ErrorActionPreference = 'Stop'",
        `Register-PSResourceRepository -Name KmsLocal -Uri '${repo}' -Trusted`,
        'Install-PSResource -Name KmsEnrollment -Repository KmsLocal -Scope CurrentUser',
        'Import-Module KmsEnrollment',
        '(Get-Module KmsEnrollment).ModuleBase',
        `Get-KmsRecord -Path '${join(ROOT, 'examples/clients')}' | ForEach-Object { $_ | Select-Object Id, State, Affected | ConvertTo-Json -Compress }`,
      ].join('\n');
      // HOME (and no XDG_*) keeps CurrentUser scope, the repository list and the module cache in the test's folder.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XDG_') && !k.startsWith('PSModulePath')));
      const r = spawnSync(pwshPath(), ['-NoProfile', '-NonInteractive', '-Command', script], {
        env: { ...env, HOME: home },
        encoding: 'utf8',
        timeout: 280_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const [base, ...lines] = r.stdout.trim().split('\n');
      expect(base).toBe(join(home, '.local/share/powershell/Modules/KmsEnrollment', version));
      const records = lines.map((l) => JSON.parse(l) as { Id: string; State: number | null; Affected: boolean });
      expect(records).toHaveLength(6);
      expect(records.filter((x) => x.Affected).map((x) => x.Id)).toEqual(['Mjm9z6e1ud7oq', 'Mw3p5n1hqk0ts', 'Mxclfr4zqvktn']);
    },
  );
});

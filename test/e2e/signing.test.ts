import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeBinary } from '../../scripts/lib/node-dist.mjs';
import { withoutSignature } from '../../scripts/lib/pe.mjs';
import { ROOT, tempDir, WINDOWS_EXE } from '../helpers/db.js';
import { IN_CI, needTools, pwshPath, unzipTo } from '../helpers/tools.js';
import { setUpWine } from '../helpers/wine.js';

const OSSLSIGNCODE = { cmd: 'osslsigncode', pkg: 'osslsigncode' };
const OPENSSL = { cmd: 'openssl', args: ['version'], pkg: 'openssl' };
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The module's scripts, as the build lays them out. */
const SCRIPTS = [...walk(join(ROOT, 'dist/KmsEnrollment'))].filter((p) => /\.(ps1|psm1|psd1|ps1xml)$/i.test(p)).length;

const osslsigncode = (args: string[]) => spawnSync('osslsigncode', args, { encoding: 'utf8', timeout: 120_000 });

describe('the Windows executable', { tags: ['slow'] }, () => {
  it('carries no signature of its own, and a valid PE checksum', (ctx) => {
    needTools(ctx, [OSSLSIGNCODE]);
    const r = osslsigncode(['verify', '-in', WINDOWS_EXE]);
    const said = r.stdout + r.stderr;
    expect(said).toMatch(/No signature found/);
    expect(said).not.toMatch(/Ignoring PE signature|invalid PE checksum|corrupted/i);
  });

  it('is built from node.exe without its signature, byte for byte as osslsigncode remove-signature makes it', (ctx) => {
    needTools(ctx, [OSSLSIGNCODE]);
    const out = join(tempDir(), 'node-unsigned.exe');
    const r = osslsigncode(['remove-signature', '-in', nodeBinary('win-x64'), '-out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(withoutSignature(readFileSync(nodeBinary('win-x64'))).equals(readFileSync(out))).toBe(true);
  });
});

describe('npm run pack with a code-signing certificate', { tags: ['slow'] }, () => {
  it(
    'signs kmsdb.exe and every module script; they verify against the certificate, and the exe and the module still run',
    { timeout: 600_000 },
    (ctx) => {
      needTools(ctx, [OSSLSIGNCODE, OPENSSL]);
      const work = tempDir();
      const cert = join(work, 'cert.pem');
      const key = join(work, 'key.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '2',
          '-subj',
          '/CN=KmsEnrollment test signing',
          '-addext',
          'extendedKeyUsage=codeSigning',
          '-addext',
          'keyUsage=digitalSignature',
        ],
        { stdio: 'pipe' },
      );
      const out = join(work, 'out');
      execFileSync(process.execPath, [join(ROOT, 'scripts/pack.mjs'), '--out', out], {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, KMSDB_SIGN_CERT: cert, KMSDB_SIGN_KEY: key },
      });

      for (const archive of [
        `KmsEnrollment-${version}-win-x64.zip`,
        `KmsEnrollment-${version}-linux-x64.zip`,
        `KmsEnrollment.${version}.nupkg`,
      ]) {
        const dir = join(work, archive);
        unzipTo(join(out, archive), dir);
        const signable = [...walk(dir)].filter((p) => /\.(exe|ps1|psm1|psd1|ps1xml)$/i.test(p)).map((p) => relative(dir, p));
        expect(signable.length, archive).toBe(SCRIPTS + (archive.includes('linux') ? 0 : 1));
        for (const file of signable) {
          const r = osslsigncode(['verify', '-CAfile', cert, '-in', join(dir, file)]);
          expect(r.status, `${archive}: ${file}: ${r.stdout}${r.stderr}`).toBe(0);
          expect(r.stdout, `${archive}: ${file}`).toMatch(/Signature verification: ok[\s\S]*Succeeded/);
        }
      }

      const wine = setUpWine();
      if (typeof wine === 'string') {
        if (IN_CI) throw new Error(wine);
        console.warn(`\n!!! SIGNED kmsdb.exe NOT RUN: ${wine} !!!\n`);
      } else {
        const signedExe = join(work, `KmsEnrollment-${version}-win-x64.zip`, 'KmsEnrollment/bin/win-x64/kmsdb.exe');
        const run = wine.run([signedExe, '--version'], join(work, 'version.txt'));
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout.trim()).toBe(version);
      }

      needTools(ctx, [
        { cmd: pwshPath(), args: ['-NoProfile', '-Command', 'exit 0'], pkg: 'powershell (npm test installs it into .tools)' },
      ]);
      const module = join(work, `KmsEnrollment-${version}-linux-x64.zip`, 'KmsEnrollment');
      const r = spawnSync(
        pwshPath(),
        [
          '-NoProfile',
          '-NonInteractive',
          '-Command',
          `$ErrorActionPreference = 'Stop'; Import-Module '${module}/KmsEnrollment.psd1'; ` +
            `(Get-KmsRecord -Path '${join(ROOT, 'examples/clients')}' -Affected).Count`,
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('3');
    },
  );
});

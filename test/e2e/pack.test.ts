import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/db.js';

describe('npm run pack', () => {
  it('zips the module folder with both executables, the Linux one executable', { timeout: 120_000 }, () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    execFileSync(process.execPath, [join(ROOT, 'scripts/pack.mjs')], { cwd: ROOT, stdio: 'pipe' });
    const zip = join(ROOT, 'dist', `KmsEnrollment-${version}.zip`);
    // Python's zipfile checks every CRC and lists the Unix modes the archive records.
    const listing = spawnSync('python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, oct(i.external_attr>>16))', zip], { encoding: 'utf8' });
    expect(listing.stderr).toBe('');
    const entries = Object.fromEntries(listing.stdout.trim().split('\n').map((l) => l.split(' ')));
    expect(entries['KmsEnrollment/bin/linux-x64/kmsdb']).toBe('0o100755');
    expect(entries['KmsEnrollment/bin/win-x64/kmsdb.exe']).toBeDefined();
    for (const file of ['KmsEnrollment.psd1', 'KmsEnrollment.psm1', 'KmsEnrollment.Format.ps1xml', 'en-US/about_KmsEnrollment.help.txt', 'Public/Get-KmsRecord.ps1', 'Public/Reset-KmsEnrollment.ps1', 'Private/Invoke-Kmsdb.ps1']) {
      expect(entries[`KmsEnrollment/${file}`], file).toBeDefined();
    }
    expect(Object.keys(entries).some((name) => /tests?\//i.test(name))).toBe(false);
  });
});

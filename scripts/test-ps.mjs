// Runs the Pester tests of the PowerShell module in test/ps against dist/KmsEnrollment.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensurePester, ensurePwsh } from './lib/tools.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const pwsh = ensurePwsh();
const r = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-File', join(ROOT, 'test/ps/run.ps1'), '-PesterPath', ensurePester()], {
  stdio: 'inherit',
  cwd: ROOT,
  // Tests that need a host of their own start this pwsh.
  env: { ...process.env, KMSDB_TEST_PWSH: pwsh },
});
process.exitCode = r.status ?? 1;

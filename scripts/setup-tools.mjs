// Runs before npm test: makes sure pwsh, Pester, wine, mingw-w64, sshd and the Windows lane are here.
// Under CI a missing tool fails the run here, before any test: its checks cannot be skipped there.
import { ensureDebianTools, ensurePester, ensurePwsh, IN_CI } from './lib/tools.mjs';
import { ensureWindowsLane } from './lib/windows-lane.mjs';

ensurePwsh();
ensurePester();
const missing = ensureDebianTools();
const lane = missing.some((m) => m.startsWith('wine')) ? null : ensureWindowsLane();
if (lane) missing.push(`the Windows lane: ${lane}`);
for (const m of missing) console.warn(IN_CI ? `!!! ${m}: CI cannot run without it` : `!!! ${m}: those tests will be skipped`);
if (IN_CI && missing.length > 0) process.exitCode = 1;

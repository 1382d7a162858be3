// Runs before npm test: makes sure pwsh, Pester, wine and sshd are here.
import { ensureDebianTools, ensurePester, ensurePwsh } from './lib/tools.mjs';

ensurePwsh();
ensurePester();
for (const missing of ensureDebianTools()) console.warn(`!!! ${missing}: those tests will be skipped`);

// Runs before npm test: makes sure pwsh, Pester and wine are here.
import { ensurePester, ensurePwsh, ensureWine } from './lib/tools.mjs';

ensurePwsh();
ensurePester();
const wine = ensureWine();
if (wine) console.warn(`!!! ${wine}: the Windows executable will not be checked`);

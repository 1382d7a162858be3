import { resolve } from 'node:path';

/** The repository root; a module of its own so that helpers needing no build do not pull in db.ts. */
export const ROOT = resolve(import.meta.dirname, '../..');

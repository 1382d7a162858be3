export const WINE_PREFIX: string;
export function wineEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function ensureWinePrefix(): string | null;
export function winePath(path: string): string;

import { closeSync, fsyncSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Flushes a folder's entries (a rename or a new file) to disk. Windows has no such call and needs none. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A name part that no other process picks: pid and random bytes. */
export function uniqueTag(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

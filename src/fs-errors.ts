/** The error code of a failed file system call (ENOENT, EACCES, ...), if it has one. */
export function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** The path, or a folder on the way to it, does not exist: not a path that exists and cannot be read. */
export function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why a file system call failed, in words that finish a sentence like "X cannot be read: ...". */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'access is denied';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EAGAIN':
      return 'it is not a regular file';
    case 'ELOOP':
      return 'it is a symbolic link that leads nowhere or to itself';
    case 'ERR_FS_EISDIR':
      return 'it is a folder';
    default:
      return e?.code ?? (e instanceof Error ? e.message : String(err));
  }
}

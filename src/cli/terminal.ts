/**
 * Characters that a terminal acts on rather than shows, or that start a new
 * line: C0 and C1 controls, DEL, the Unicode line and paragraph separators,
 * and the bidirectional overrides that make text read other than it is.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;

/**
 * Text for one line of a terminal: each character a terminal would act on,
 * a newline included, is shown as its \uXXXX escape. Messages quote names
 * and the content of files (a lock's owner, a settings section), so a file
 * can neither forge a second `kmsdb:` line nor send a terminal escape.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

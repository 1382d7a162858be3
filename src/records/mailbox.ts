import type { Profile } from '../profile/parse.js';
import { dnLeaf } from './record.js';

/**
 * Compiles a mailbox pattern: `*` and `?` are wildcards, everything else is
 * literal, and the whole value must match, case-insensitively in any script.
 */
export function compileMailboxPattern(pattern: string): RegExp {
  // Only the syntax characters are escaped: under the u flag, escaping any other character (such as '-') is an error.
  const body = Array.from(pattern, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'isu');
}

/** True when any pattern matches a whole value of the profile, or the leaf cn= of a DN-shaped value. */
export function matchesMailbox(profile: Profile, patterns: readonly RegExp[]): boolean {
  for (const e of profile.entries) {
    const value = e.value;
    if (!value) continue;
    const leaf = dnLeaf(value);
    for (const p of patterns) {
      if (p.test(value) || (leaf !== null && p.test(leaf))) return true;
    }
  }
  return false;
}

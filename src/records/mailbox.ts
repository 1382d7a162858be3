import type { Profile } from '../profile/parse.js';
import { dnLeaf } from './record.js';

/** A compiled mailbox pattern. */
export interface MailboxPattern {
  /** True when the pattern matches the whole text, ignoring case. */
  test(text: string): boolean;
  /** The same for text already folded by foldText. */
  testFolded(text: readonly string[]): boolean;
}

const folds = new Map<string, string>();

/**
 * One code point's case-folded form, close to what a case-insensitive
 * Unicode regular expression compares: upper then lower case, where each
 * step keeps it one code point (σ, ς and Σ fold alike; ß stays ß).
 */
function foldChar(ch: string): string {
  let f = folds.get(ch);
  if (f === undefined) {
    const upper = ch.toUpperCase();
    const base = [...upper].length === 1 ? upper : ch;
    const lower = base.toLowerCase();
    f = [...lower].length === 1 ? lower : base;
    folds.set(ch, f);
  }
  return f;
}

/** A text as its case-folded code points. */
export function foldText(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? Array.from(text.toLowerCase()) : Array.from(text, foldChar);
}

/** A run of literal code points and '?' (null), as found between two '*'. */
type Segment = (string | null)[];

function matchesAt(text: readonly string[], at: number, seg: Segment): boolean {
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c !== null && c !== text[at + i]) return false;
  }
  return true;
}

/**
 * Compiles a mailbox pattern: `*` and `?` are wildcards, everything else is
 * literal, and the whole value must match, case-insensitively in any script.
 * No regular expression: the text between stars is found leftmost, one run
 * after another, and never searched again, so matching takes time linear in
 * the text for a given pattern, whatever the pattern ('********a', '*a*a*a*b').
 */
export function compileMailboxPattern(pattern: string): MailboxPattern {
  const parts: Segment[] = pattern.split('*').map((part) => foldText(part).map((c) => (c === '?' ? null : c)));
  const first = parts[0] ?? [];
  const single = parts.length === 1;
  const last = parts[parts.length - 1] ?? [];
  const middle = parts.slice(1, -1).filter((s) => s.length > 0);
  const minLength = parts.reduce((n, s) => n + s.length, 0);

  const testFolded = (text: readonly string[]): boolean => {
    if (single) return text.length === first.length && matchesAt(text, 0, first);
    if (text.length < minLength || !matchesAt(text, 0, first) || !matchesAt(text, text.length - last.length, last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (const seg of middle) {
      let found = -1;
      for (let i = at; i + seg.length <= end; i++) {
        if (matchesAt(text, i, seg)) {
          found = i;
          break;
        }
      }
      if (found < 0) return false;
      at = found + seg.length;
    }
    return true;
  };
  return { testFolded, test: (text) => testFolded(foldText(text)) };
}

/** True when any pattern matches a whole value of the profile, or the leaf cn= of a DN-shaped value. */
export function matchesMailbox(profile: Profile, patterns: readonly MailboxPattern[]): boolean {
  for (const e of profile.entries) {
    const value = e.value;
    if (!value) continue;
    const folded = foldText(value);
    const leaf = dnLeaf(value);
    const foldedLeaf = leaf === null ? null : foldText(leaf);
    for (const p of patterns) {
      if (p.testFolded(folded) || (foldedLeaf !== null && p.testFolded(foldedLeaf))) return true;
    }
  }
  return false;
}

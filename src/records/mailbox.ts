import type { Profile } from '../profile/parse.js';
import { identityValues } from './record.js';

/** A compiled mailbox pattern. */
export interface MailboxPattern {
  /** True when the pattern matches the whole text, ignoring case. */
  test(text: string): boolean;
  /** The same for text already folded by foldText. */
  testFolded(text: FoldedText): boolean;
  /** True when a cheap look at the unfolded text's ends shows that it cannot match; false when unsure. */
  rejects(text: string): boolean;
}

/** ASCII letters to lower case; -1 for any other code unit outside ASCII, whose fold only foldChar knows. */
function asciiLower(code: number): number {
  if (code >= 0x80) return -1;
  return code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
}

/** Whether raw text's first (or last) code units certainly differ from an ASCII literal, without folding the text. */
function differsAtEnd(text: string, literal: string, fromEnd: boolean): boolean {
  if (literal.length > text.length) return false;
  const offset = fromEnd ? text.length - literal.length : 0;
  for (let i = 0; i < literal.length; i++) {
    const c = asciiLower(text.charCodeAt(offset + i));
    if (c < 0) return false;
    if (c !== literal.charCodeAt(i)) return true;
  }
  return false;
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

/**
 * A text's case-folded code points: an ASCII text as a lower-case string
 * (one code unit per code point, and native string search), any other as an array.
 */
export type FoldedText = string | readonly string[];

export function foldText(text: string): FoldedText {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : Array.from(text, foldChar);
}

/** A run of folded code points and '?' (null) between two '*'; `literal` when it has no '?'. */
interface Segment {
  chars: (string | null)[];
  literal: string | null;
}

function matchesAt(text: FoldedText, at: number, seg: Segment): boolean {
  if (seg.literal !== null && typeof text === 'string') return text.startsWith(seg.literal, at);
  const chars = seg.chars;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c !== null && c !== text[at + i]) return false;
  }
  return true;
}

/** Where `seg` first occurs in text at or after `from`, ending by `end`; -1 if nowhere. */
function find(text: FoldedText, seg: Segment, from: number, end: number): number {
  if (seg.literal !== null && typeof text === 'string') {
    const at = text.indexOf(seg.literal, from);
    return at >= 0 && at + seg.literal.length <= end ? at : -1;
  }
  for (let i = from; i + seg.chars.length <= end; i++) if (matchesAt(text, i, seg)) return i;
  return -1;
}

/**
 * Compiles a mailbox pattern: `*` and `?` are wildcards, everything else is
 * literal, and the whole value must match, case-insensitively in any script.
 * No regular expression: the text between stars is found leftmost, one run
 * after another, and never searched again, so matching takes time linear in
 * the text for a given pattern, whatever the pattern ('********a', '*a*a*a*b').
 */
export function compileMailboxPattern(pattern: string): MailboxPattern {
  const parts: Segment[] = pattern.split('*').map((part) => {
    const chars = Array.from(foldText(part), (c) => (c === '?' ? null : c));
    // A literal is searched as a string only in ASCII text, so it must be ASCII too.
    const literal = chars.every((c) => c !== null && c.charCodeAt(0) < 0x80) ? chars.join('') : null;
    return { chars, literal };
  });
  const empty: Segment = { chars: [], literal: '' };
  const first = parts[0] ?? empty;
  const single = parts.length === 1;
  const last = parts[parts.length - 1] ?? empty;
  const middle = parts.slice(1, -1).filter((s) => s.chars.length > 0);
  const minLength = parts.reduce((n, s) => n + s.chars.length, 0);

  const testFolded = (text: FoldedText): boolean => {
    if (single) return text.length === first.chars.length && matchesAt(text, 0, first);
    if (text.length < minLength || !matchesAt(text, 0, first) || !matchesAt(text, text.length - last.chars.length, last)) return false;
    let at = first.chars.length;
    const end = text.length - last.chars.length;
    for (const seg of middle) {
      const found = find(text, seg, at, end);
      if (found < 0) return false;
      at = found + seg.chars.length;
    }
    return true;
  };
  const rejects = (text: string): boolean =>
    (first.literal !== null && differsAtEnd(text, first.literal, false)) ||
    (!single && last.literal !== null && differsAtEnd(text, last.literal, true));
  return { testFolded, rejects, test: (text) => !rejects(text) && testFolded(foldText(text)) };
}

/**
 * True when any pattern matches a whole value that names the user, as the
 * profile API can return it (identityValues: a key of IDENTITY_KEYS, or a
 * DN under any key; the first line of each key in a readable section), or
 * the leaf cn= of a DN. Other values (State, NumSCerts, Version, dates) are
 * never a mailbox: '4' must not select every record in State 4; nor is a
 * second Alias line that Windows never reads.
 */
export function matchesMailbox(profile: Profile, patterns: readonly MailboxPattern[]): boolean {
  return mailboxMatches(profile, patterns, null);
}

/**
 * The indexes of the patterns that match a value naming the user, as
 * matchesMailbox tests them, in one reading of the record's values: each
 * value is folded once, whatever the number of patterns. In ascending order.
 */
export function matchingPatterns(profile: Profile, patterns: readonly MailboxPattern[]): number[] {
  const found: number[] = [];
  mailboxMatches(profile, patterns, found);
  return found.sort((a, b) => a - b);
}

/** Whether any pattern matches; with `found`, every pattern is tested and the index of each that matches is added to it. */
function mailboxMatches(profile: Profile, patterns: readonly MailboxPattern[], found: number[] | null): boolean {
  // The patterns found already, once there are any: a record matches few of them, often none.
  let matched: Uint8Array | null = null;
  for (const { value, leaf } of identityValues(profile)) {
    // Most values fail on their first or last characters: fold a value only when a pattern needs it.
    let folded: FoldedText | null = null;
    let foldedLeaf: FoldedText | null = null;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i] as MailboxPattern;
      if (matched?.[i]) continue;
      const hit =
        (!p.rejects(value) && p.testFolded((folded ??= foldText(value)))) ||
        (leaf !== null && !p.rejects(leaf) && p.testFolded((foldedLeaf ??= foldText(leaf))));
      if (!hit) continue;
      if (found === null) return true;
      found.push(i);
      (matched ??= new Uint8Array(patterns.length))[i] = 1;
    }
  }
  return found !== null && found.length > 0;
}

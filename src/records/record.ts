import { createHash, hash } from 'node:crypto';
import { AnsiText, decode, type DecodedText, type Encoding } from '../profile/encoding.js';
import {
  differOnlyBeyondAscii,
  findAll,
  foldName,
  hasNonAscii,
  parseProfile,
  readProfileInt,
  type LineEnding,
  type Profile,
  type ProfileEntry,
  type ProfileInt,
} from '../profile/parse.js';

/** Recovery and Undefined are the only states KB Q198709 names. */
export const STATE_UNDEFINED = 1;
export const STATE_RECOVERY = 4;

export type WarningCode =
  | 'duplicate-state'
  | 'ambiguous-section'
  | 'binary'
  | 'empty'
  | 'unreadable'
  | 'odd-length'
  | 'state-not-number'
  | 'numscerts-not-number'
  | 'too-large';

export interface RecordWarning {
  code: WarningCode;
  message: string;
}

/** One KMS client record, as printed by `kmsdb get` (schemas/record.schema.json). */
export interface KmsRecord {
  id: string;
  path: string;
  state: number | null;
  stateName: 'Undefined' | 'Recovery' | null;
  numSCerts: number | null;
  affected: boolean;
  mailbox: string | null;
  /** The mailbox's short name, as `--mailbox` finds it: a DN's leaf cn=, else the mailbox itself. */
  alias: string | null;
  mailboxKey: string | null;
  sha256: string | null;
  encoding: Encoding | null;
  lineEnding: LineEnding | null;
  size: number | null;
  lastWriteTime: string | null;
  warnings: RecordWarning[];
}

/**
 * The Q198709 diagnosis of a file's bytes, with what a byte-exact edit needs:
 * the parsed profile and where the State value's characters sit.
 */
export interface Diagnosis {
  decoded: DecodedText;
  profile: Profile;
  /** Every State entry the profile API can read, in file order; the first is the one kmsdb reads. */
  stateEntries: ProfileEntry[];
  numSCertsEntries: ProfileEntry[];
  state: number | null;
  numSCerts: number | null;
  /** The first State and NumSCerts as GetPrivateProfileInt reads them; null where absent. */
  stateInt: ProfileInt | null;
  numSCertsInt: ProfileInt | null;
  affected: boolean;
  /**
   * State or NumSCerts is in more than one section. KMS's section name is not
   * public, so kmsdb reads the first; KMS may read another. Also set where the
   * reading hangs on names that differ only in non-ASCII case, which Windows
   * may or may not tell apart (caseBeyondAscii).
   */
  ambiguousSection: boolean;
  /** Names that differ only in non-ASCII case decide where State or NumSCerts is read from. */
  caseBeyondAscii: boolean;
}

/**
 * Keys that name the user, best first; a DN-shaped value anywhere beats them all.
 * A mailbox pattern is matched against these keys' values and DN-shaped values only.
 */
const IDENTITY_KEYS = [
  'distinguishedname',
  'dn',
  'mailboxdn',
  'mailbox',
  'alias',
  'mailnickname',
  'displayname',
  'commonname',
  'cn',
  'name',
  'username',
];

const IDENTITY_KEY_SET: ReadonlySet<string> = new Set(IDENTITY_KEYS);

export function stateName(state: number | null): KmsRecord['stateName'] {
  return state === STATE_UNDEFINED ? 'Undefined' : state === STATE_RECOVERY ? 'Recovery' : null;
}

export function recordId(fileName: string): string {
  return fileName.replace(/\.ini$/i, '');
}

/** A DN in X.500 form (/o=Org/ou=Site/cn=Recipients/cn=jdoe) or LDAP form (cn=jdoe,ou=...). */
export function dnLeaf(value: string): string | null {
  // The first character decides which form can match, so a long value of neither form (a certificate) costs one test.
  const first = value.charCodeAt(0) | 0x20;
  if (first === 0x2f) {
    const slash = /\/cn=([^/]*)$/i.exec(value);
    return slash ? (slash[1] ?? null) : null;
  }
  if (first !== 0x63) return null;
  const ldap = /^cn=([^,]*),/i.exec(value);
  return ldap ? (ldap[1] ?? null) : null;
}

/** A value that names the record's user, with the leaf cn= when it is a DN. */
export interface IdentityValue {
  entry: ProfileEntry;
  /** The entry's key, folded as the profile API compares keys. */
  key: string;
  value: string;
  leaf: string | null;
}

/**
 * The values that name the record's user, as the profile API can return
 * them: in a section it can read, the first line of each key there (a later
 * line of the same key is never returned), with a value, under a key of
 * IDENTITY_KEYS or holding a DN. `--mailbox` matches these and no others,
 * and the record's `mailbox` is the best of them. Yielded in file order, so
 * that a caller that has what it needs stops reading the record there.
 */
export function* identityValues(profile: Profile): Generator<IdentityValue, void, undefined> {
  // Keys already met in each readable section (the first section of its name, so its name is exact here).
  let seen: Map<string, Set<string>> | null = null;
  for (const e of profile.entries) {
    if (!e.readable) continue;
    seen ??= new Map();
    let keys = seen.get(e.section);
    if (!keys) seen.set(e.section, (keys = new Set()));
    const key = foldName(e.key);
    if (keys.has(key)) continue;
    keys.add(key);
    const value = e.value;
    if (!value) continue;
    const leaf = dnLeaf(value);
    if (leaf !== null || IDENTITY_KEY_SET.has(key)) yield { entry: e, key, value, leaf };
  }
}

/**
 * The record's mailbox: the first DN among identityValues, else the value of
 * the best-ranked identity key. Every record is listed through here, so the
 * usual case (a DN near the top) stops at it, having noted only the keys
 * above it.
 */
function bestIdentity(profile: Profile): IdentityValue | null {
  let best: IdentityValue | null = null;
  let rank = IDENTITY_KEYS.length;
  for (const v of identityValues(profile)) {
    if (v.leaf !== null) return v;
    const r = IDENTITY_KEYS.indexOf(v.key);
    if (r >= 0 && r < rank) [best, rank] = [v, r];
  }
  return best;
}

// C0 controls other than tab, LF, VT, FF and CR do not occur in profile text.
// eslint-disable-next-line no-control-regex -- these control characters are what the test looks for
const BINARY = /[\x00-\x08\x0e-\x1f]/;

export function emptyRecord(path: string, fileName: string): KmsRecord {
  return {
    id: recordId(fileName),
    path,
    state: null,
    stateName: null,
    numSCerts: null,
    affected: false,
    mailbox: null,
    alias: null,
    mailboxKey: null,
    sha256: null,
    encoding: null,
    lineEnding: null,
    size: null,
    lastWriteTime: null,
    warnings: [],
  };
}

export function unreadableRecord(path: string, fileName: string, reason: string): KmsRecord {
  const record = emptyRecord(path, fileName);
  record.warnings.push({ code: 'unreadable', message: `The file cannot be read: ${reason}.` });
  return record;
}

export function sha256(bytes: Uint8Array): string {
  // The one-shot hash (Node 20.12 and later) makes no Hash object: a full listing hashes every record.
  return hash ? hash('sha256', bytes, 'hex') : createHash('sha256').update(bytes).digest('hex');
}

/** Whether entries of one key sit in more than one section. */
function inSeveralSections(entries: ProfileEntry[]): boolean {
  if (entries.length < 2) return false;
  const first = entries[0] && foldName(entries[0].section);
  return entries.some((e) => foldName(e.section) !== first);
}

const KEYS = ['state', 'numscerts'];

/**
 * Whether a Windows that folds case beyond ASCII could read State or
 * NumSCerts elsewhere than kmsdb does: a section that holds one shares its
 * name, up to non-ASCII case, with another header, or a key spells State or
 * NumSCerts with a non-ASCII letter (NumſCerts). kmsdb compares as wine does,
 * in ASCII case; what Windows does is not established (windows-rules.ts).
 */
function dependsOnCaseBeyondAscii(profile: Profile, found: ProfileEntry[]): boolean {
  if (found.length > 0 && profile.sections.some(hasNonAscii)) {
    const holding = new Set(found.map((e) => e.section));
    for (const s of holding) if (profile.sections.some((other) => differOnlyBeyondAscii(s, other))) return true;
  }
  for (const e of profile.entries) {
    // The length test first: it turns away almost every key before any other work.
    const length = e.keyLength;
    if ((length === 5 || length === 9) && e.readable && hasNonAscii(e.key) && KEYS.some((k) => differOnlyBeyondAscii(e.key, k)))
      return true;
  }
  return false;
}

export function diagnose(bytes: Buffer): Diagnosis {
  const decoded = decode(bytes);
  const profile = parseProfile(decoded.text);
  const stateEntries = findAll(profile, 'State');
  const numSCertsEntries = findAll(profile, 'NumSCerts');
  const stateInt = readProfileInt(stateEntries[0]);
  const numSCertsInt = readProfileInt(numSCertsEntries[0]);
  const state = stateInt?.value ?? null;
  const numSCerts = numSCertsInt?.value ?? null;
  const caseBeyondAscii = dependsOnCaseBeyondAscii(profile, [...stateEntries, ...numSCertsEntries]);
  return {
    decoded,
    profile,
    stateEntries,
    numSCertsEntries,
    state,
    numSCerts,
    stateInt,
    numSCertsInt,
    affected: state === STATE_RECOVERY && numSCerts === null,
    ambiguousSection: inSeveralSections(stateEntries) || inSeveralSections(numSCertsEntries) || caseBeyondAscii,
    caseBeyondAscii,
  };
}

/** The full record of a diagnosed file: hash, warnings and identity are only worked out here. */
export function buildRecord(path: string, fileName: string, bytes: Buffer, mtime: Date | null, d: Diagnosis): KmsRecord {
  const record = emptyRecord(path, fileName);
  const warnings = record.warnings;
  record.size = bytes.length;
  record.sha256 = sha256(bytes);
  record.encoding = d.decoded.encoding;
  record.lineEnding = d.profile.lineEnding;
  record.lastWriteTime = mtime ? mtime.toISOString() : null;
  record.state = d.state;
  record.stateName = stateName(d.state);
  record.numSCerts = d.numSCerts;
  record.affected = d.affected;

  if (d.decoded.text.length === 0) {
    warnings.push({ code: 'empty', message: 'The file is empty: it holds no record.' });
  }
  if (d.decoded.oddTrailingByte) {
    warnings.push({ code: 'odd-length', message: 'The file is marked UTF-16LE but has an odd number of bytes.' });
  }
  if (BINARY.test(d.decoded.text instanceof AnsiText ? d.decoded.text.raw() : d.decoded.text.toString())) {
    warnings.push({ code: 'binary', message: 'The file holds NUL or other binary bytes that profile text never contains.' });
  }
  const first = d.stateEntries[0];
  if (d.stateInt?.digits === false) {
    warnings.push({ code: 'state-not-number', message: `The State value "${first?.value ?? ''}" holds no number; Windows reads it as 0.` });
  }
  const firstNumSCerts = d.numSCertsEntries[0];
  if (d.numSCertsInt?.digits === false) {
    warnings.push({
      code: 'numscerts-not-number',
      message: `The NumSCerts value "${firstNumSCerts?.value ?? ''}" holds no number; Windows reads it as 0, so the record is not affected.`,
    });
  }
  if (d.stateEntries.length > 1) {
    const lines = d.stateEntries.map((e) => e.line).join(', ');
    warnings.push({
      code: 'duplicate-state',
      message: `State occurs ${d.stateEntries.length} times (lines ${lines}); the record is ambiguous.`,
    });
  }
  if (d.ambiguousSection) {
    const where = [...d.stateEntries, ...d.numSCertsEntries].map((e) => `${e.key} in [${e.section}] line ${e.line}`).join(', ');
    warnings.push({
      code: 'ambiguous-section',
      message: d.caseBeyondAscii
        ? `Section or key names that differ only in non-ASCII case decide where State or NumSCerts is read (${where || 'none read'}); ` +
          'kmsdb tells them apart, and Windows may not.'
        : `State or NumSCerts is in more than one section (${where}); kmsdb reads the first, KMS reads its own section.`,
    });
  }

  const identity = bestIdentity(d.profile);
  record.mailbox = identity?.value ?? null;
  record.alias = identity ? (identity.leaf ?? identity.value) : null;
  record.mailboxKey = identity?.entry.key ?? null;
  return record;
}

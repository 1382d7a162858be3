/**
 * Where wine's kernel32 reads a profile file otherwise than Windows does, and
 * what kmsdb does about it. Each rule is written here once, with its evidence
 * and a fixture: the file's bytes and what Windows returns for them.
 *
 * The oracle runs the profile API under wine. For every rule with a `rewrite`,
 * the file the oracle reads is rewritten (asWindowsReads) into one that wine
 * reads as Windows reads the original, so that the differential test compares
 * kmsdb with Windows, not with wine.
 *
 * Evidence named "suite" is the public test suite
 * WelliSolutions/IniFileFormatReverseEngineering, whose tests of
 * GetPrivateProfileStringW ran on Windows 10 (source/tests/IniFileFormatTests/Tests,
 * documentation/GetPrivateProfileString.md). Evidence named "wine" is wine's
 * dlls/kernel32/profile.c (8.0, the oracle's wine).
 */
import { decode } from '../../src/profile/encoding.js';

/** What Windows returns for one key of one section; null is the caller's default. */
export interface WindowsReading {
  section: string;
  key: string;
  value: string | null | 'not established';
  /** kmsdb's reading, where it differs from Windows by a documented choice (the rule's `kmsdb`). */
  kmsdb?: string | null;
}

/** The record kmsdb reports for a fixture. */
export interface FixtureRecord {
  state: number | null;
  numSCerts: number | null;
  affected: boolean;
  warnings: string[];
}

export interface WindowsRule {
  id: string;
  windows: string;
  wine: string;
  /** What kmsdb does, where it is not simply what Windows does. */
  kmsdb?: string;
  evidence: string[];
  /** Whether the oracle's file is rewritten for this rule; false where there is nothing to rewrite. */
  rewrite: boolean;
  fixture: { bytes: Buffer; windows: WindowsReading[]; record: FixtureRecord };
}

const ansi = (text: string) => Buffer.from(text, 'latin1');
const SUITE = 'suite';

export const WINDOWS_RULES: readonly WindowsRule[] = [
  {
    id: 'bom-utf8',
    windows: 'A UTF-8 BOM is not understood: the file is ANSI, and the BOM is three characters of its first line.',
    wine: 'Decodes the file as UTF-8 and drops the BOM.',
    evidence: [
      `${SUITE}: UTF8_Tests.Given_AFileWithUTF8BOM_When_ReadingTheContent_Then_TheFirstLineIsBroken`,
      'wine: PROFILE_DetectTextEncoding',
    ],
    rewrite: true,
    fixture: {
      bytes: ansi('\xef\xbb\xbf[Client]\r\nState=4\r\n[Other]\r\nState=1\r\n'),
      windows: [
        { section: 'Client', key: 'State', value: null },
        { section: 'Other', key: 'State', value: '1' },
      ],
      record: { state: 1, numSCerts: null, affected: false, warnings: [] },
    },
  },
  {
    id: 'bom-utf16be',
    windows: 'A UTF-16BE BOM is not understood: the file is ANSI, NUL bytes and all.',
    wine: 'Decodes the file as UTF-16BE.',
    evidence: [
      `${SUITE}: UTF16BE_Tests.Given_UTF16BEBOM_When_ReadingTheContent_Then_WeGetTheDefaultValue`,
      'wine: PROFILE_DetectTextEncoding',
    ],
    rewrite: true,
    fixture: {
      bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('[Client]\r\nState=4\r\n', 'utf16le').swap16()]),
      windows: [{ section: 'Client', key: 'State', value: null }],
      record: { state: null, numSCerts: null, affected: false, warnings: ['binary'] },
    },
  },
  {
    id: 'header-first-close',
    windows: 'A section name ends at the first "]"; the rest of the header line is ignored.',
    wine: 'The name ends at the last "]" of the line.',
    evidence: [
      `${SUITE}: SquareBracket_Tests.Given_ASectionNameWithClosingBracket_When_TheContentIsAccessed_Then_WeDontGetTheValue`,
      `${SUITE}: SquareBracket_Tests.Given_KeyValueBehindClosingSquareBracket_When_WeTryToAccessTheValue_Then_WeDontGetTheValue`,
      'wine: PROFILE_Load, the loop that looks for "]" from the end of the line',
    ],
    rewrite: true,
    fixture: {
      bytes: ansi('[Client]x]\r\nState=4\r\n'),
      windows: [
        { section: 'Client', key: 'State', value: '4' },
        { section: 'Client]x', key: 'State', value: null },
      ],
      record: { state: 4, numSCerts: null, affected: true, warnings: [] },
    },
  },
  {
    id: 'header-no-close',
    windows: 'A line that starts with "[" and has no "]" is a section header; its name ends at the line break, blanks trimmed.',
    wine: 'Warns of an invalid section header and reads the line as a key.',
    evidence: [
      `${SUITE}: SquareBracket_Tests.Given_ASectionNameWithMissingClosingBracket_When_WeAccessAKey_Then_WeGetTheValue`,
      'wine: PROFILE_Load, "Invalid section header"',
    ],
    rewrite: true,
    fixture: {
      bytes: ansi('[client   \r\nState=1\r\n[Client]\r\nState=4\r\n'),
      // The second header repeats the first, and only the first section of a name is read.
      windows: [{ section: 'Client', key: 'State', value: '1' }],
      record: { state: 1, numSCerts: null, affected: false, warnings: [] },
    },
  },
  {
    id: 'value-wrap',
    windows:
      'A value of up to 65,535 characters is returned whole; longer, its length wraps modulo 65,536 ' +
      '(exactly 65,536 returns an empty string, 65,537 one character), whatever the buffer.',
    wine: 'Returns the whole value.',
    kmsdb:
      'Keeps the first (length mod 65,536) characters of the trimmed value, before a NUL ends it and before quotes are stripped. ' +
      'Measured on ANSI files with plain values; UTF-16LE files and quoted values are assumed to wrap alike.',
    evidence: [
      `${SUITE}: Limits_Tests.Given_AValueOfLength65535_When_AccessingIt_Then_WeGetTheFullValue`,
      `${SUITE}: Limits_Tests.Given_AValueOfLength65536_When_AccessingIt_Then_WeGetNothingAndNoError`,
      `${SUITE}: Limits_Tests.Given_AValueOfLength65537_When_AccessingIt_Then_WeGetModuloBehavior`,
      'wine: PROFILE_Load copies the value whole',
    ],
    rewrite: true,
    fixture: {
      bytes: ansi(`[Client]\r\nState=4\r\nNumSCerts=1${'x'.repeat(65_535)}\r\n[Other]\r\nState=4${'x'.repeat(65_536)}\r\n`),
      windows: [
        { section: 'Client', key: 'State', value: '4' },
        { section: 'Client', key: 'NumSCerts', value: '' },
        { section: 'Other', key: 'State', value: '4' },
      ],
      record: { state: 4, numSCerts: null, affected: true, warnings: ['duplicate-state', 'ambiguous-section'] },
    },
  },
  {
    id: 'empty-section-name',
    windows: 'The keys of a "[]" section are returned when section "" is asked for; keys before any header never are.',
    wine: 'Asked for section "", returns the keys before any header.',
    kmsdb: 'Reads neither: KMS asks for its own, named section. A State in "[]" is not a State KMS reads.',
    evidence: [
      `${SUITE}: EdgeCases_Tests.Given_ASectionWithNoName_When_UsingEmptyString_Then_WeGetTheValue`,
      `${SUITE}: SquareBracket_Tests.Given_AValueWithoutAnySection_When_WeTryToAccessIt_Then_WeDontGetTheValue`,
      'wine: PROFILE_Find, an empty name matches the unnamed first section',
    ],
    // The probe asks only for the sections GetPrivateProfileSectionNamesW lists, and "" is never one of them.
    rewrite: false,
    fixture: {
      bytes: ansi('State=1\r\n[]\r\nState=4\r\n'),
      windows: [{ section: '', key: 'State', value: '4', kmsdb: null }],
      record: { state: null, numSCerts: null, affected: false, warnings: [] },
    },
  },
  {
    id: 'non-ascii-case',
    windows: 'Not established: the suite compares section and key names in ASCII case only, and no other evidence was found.',
    wine: 'Compares names in ASCII case only: [É] and [é], or [K] (KELVIN SIGN) and [k], are two sections.',
    kmsdb:
      'Reads as wine does, and gives ambiguous-section to a record whose State or NumSCerts sits in a section whose name ' +
      'another header matches only beyond ASCII case, or whose key spells State or NumSCerts with a non-ASCII letter; ' +
      'reset refuses such a record without --allow-ambiguous.',
    evidence: [
      `${SUITE}: Casing_Tests (ASCII names only)`,
      'wine: PROFILE_Find compares with wcsnicmp; measured under wine 8.0 by the oracle',
    ],
    rewrite: false,
    fixture: {
      bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[\u00e9]\r\nAlias=x\r\n[\u00c9]\r\nState=4\r\n', 'utf16le')]),
      // Whether Windows reads [É] as a repeat of [é] is the open question; wine reads it as a section of its own.
      windows: [{ section: '\u00c9', key: 'State', value: 'not established' }],
      record: { state: 4, numSCerts: null, affected: true, warnings: ['ambiguous-section'] },
    },
  },
  {
    id: 'blank-before-nul',
    windows: 'The API trims the section name it is asked for, so a header whose name keeps a blank before a NUL can never be read.',
    wine: 'The same: the name is trimmed before the NUL ends it, and the request is trimmed.',
    kmsdb: 'Never reads such a section; the file also gets the binary warning, so reset refuses it.',
    evidence: [
      `${SUITE}: WhiteSpace_Tests.Given_AnIniFileWrittenWithSpaces_When_TheContentIsAccessed_Then_SpacesAreIgnored (the request is trimmed)`,
      'wine: PROFILE_Find trims section_name; PROFILE_Load trims the header before storing it as a C string',
    ],
    rewrite: false,
    fixture: {
      bytes: ansi('[Client \0]\r\nState=4\r\n'),
      windows: [{ section: 'Client', key: 'State', value: null }],
      record: { state: null, numSCerts: null, affected: false, warnings: ['binary'] },
    },
  },
];

/** The profile API's blanks (the reader's isBlank). */
const isBlank = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x1a;
const WRAP = 0x10000;

/** One line, rewritten so that wine reads it as Windows reads the original (header-*, value-wrap). */
function rewriteLine(line: string): string {
  let start = 0;
  let stop = line.length;
  while (start < stop && isBlank(line.charCodeAt(start))) start++;
  while (stop > start && isBlank(line.charCodeAt(stop - 1))) stop--;
  if (start === stop || line[start] === ';') return line;
  if (line[start] === '[') {
    const close = line.indexOf(']', start);
    const end = close === -1 || close > stop ? stop : close;
    return `${line.slice(0, start)}[${line.slice(start + 1, end)}]`;
  }
  const eq = line.indexOf('=', start);
  if (eq === -1 || eq >= stop) return line;
  let valueStart = eq + 1;
  while (valueStart < stop && isBlank(line.charCodeAt(valueStart))) valueStart++;
  const length = stop - valueStart;
  if (length < WRAP) return line;
  return line.slice(0, valueStart) + line.slice(valueStart, valueStart + (length % WRAP));
}

/** Rewrites every line of `text`, keeping each line break (CRLF, LF or CR) as it was. */
function rewriteLines(text: string): string {
  let out = '';
  let pos = 0;
  const lineBreak = /\r\n|\r|\n/g;
  for (let m = lineBreak.exec(text); m; m = lineBreak.exec(text)) {
    out += rewriteLine(text.slice(pos, m.index)) + m[0];
    pos = m.index + m[0].length;
  }
  return out + rewriteLine(text.slice(pos));
}

/** The bytes the oracle reads for a file: the same text as Windows reads it, in a form wine reads alike. */
export function asWindowsReads(bytes: Buffer): Buffer {
  const utf8 = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const utf16be = bytes[0] === 0xfe && bytes[1] === 0xff;
  const utf16le = bytes[0] === 0xff && bytes[1] === 0xfe;
  if (utf8 || utf16be) {
    // bom-*: Windows reads these as ANSI, BOM included; as UTF-16LE that text reads alike in wine.
    const text = rewriteLines(decode(bytes).text.toString());
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  }
  if (utf16le) {
    const end = bytes.length - ((bytes.length - 2) % 2);
    const text = bytes.toString('utf16le', 2, end);
    const rewritten = rewriteLines(text);
    if (rewritten === text) return bytes;
    return Buffer.concat([bytes.subarray(0, 2), Buffer.from(rewritten, 'utf16le'), bytes.subarray(end)]);
  }
  // Latin-1 maps byte to character and back, so an ANSI file keeps every byte the rewrite leaves alone.
  const text = bytes.toString('latin1');
  const rewritten = rewriteLines(text);
  return rewritten === text ? bytes : Buffer.from(rewritten, 'latin1');
}

/**
 * Seeded, reproducible record files for the differential test: the same seed
 * always gives the same bytes. Each file mixes the ways a record can be
 * written that the profile API reads in a particular way.
 */

export interface GeneratedFile {
  name: string;
  bytes: Buffer;
}

/** mulberry32: small, fast and good enough to spread the cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const chance = (r: Rand, p: number) => r() < p;

/** Blanks the profile API trims, and two it does not (NBSP, the C1 NEL). */
const BLANKS = [' ', ' ', '\t', '\x0b', '\x0c', '\x1a', '  \t', '\xa0', '\x85'];

const KEY_SPELLINGS: Record<string, string[]> = {
  State: ['State', 'state', 'STATE', 'sTaTe', 'Stat', 'States', 'St ate', '"State"'],
  NumSCerts: ['NumSCerts', 'numscerts', 'NUMSCERTS', 'NumSCert', 'Num SCerts', 'NumsCerts'],
};
/** Case variants only UTF-16 text can hold; U+017F uppercases to 'S'. */
const UNICODE_KEY_SPELLINGS: Record<string, string[]> = {
  State: ['\u017ftate', 'Ｓtate'],
  NumSCerts: ['NumſCerts', 'NUMSCERTſ'],
};

const VALUES = [
  '4',
  '1',
  '0',
  '2',
  '7',
  '04',
  '+4',
  '-4',
  '- 4',
  '+-4',
  '++4',
  ' 4',
  '4 ',
  '4\t',
  '\t4',
  '0x4',
  '0X4',
  '0x04',
  '0xg',
  '0x',
  '0x1F',
  '0xffffffff',
  '0x100000004',
  '-0x4',
  '+0x4',
  '0b100',
  '0B100',
  '0b102',
  '0b',
  '0o4',
  '0O4',
  '0o9',
  '0o',
  '0o17',
  '00x4',
  '0 x4',
  '0x 4',
  '4294967300',
  '4294967296',
  '4294967295',
  '2147483648',
  '-2147483649',
  '-4294967297',
  '99999999999999999999',
  '42A9',
  '4A',
  'A4',
  '4.0',
  '4,0',
  '4e2',
  '1e3',
  'x',
  'four',
  '',
  '-',
  '+',
  '\x01' + '4',
  '"4"',
  "'4'",
  '"4',
  "4'",
  '" 4 "',
  '""',
  "''",
  '"',
  '"0x4"',
  '"-1"',
  '"4"4"',
  '""4""',
  '4 ; comment',
  '4;',
  '4#',
  '4 # two',
  '4=5',
  '=4',
  '0000000000000000000000000000004',
  '000000000000000000000000000004',
  '00000000000000000000000000004',
  '"0000000000000000000000000004"',
  '"00000000000000000000000000004"',
  '"000000000000000000000000000004"',
  ' '.repeat(28) + '4',
  '1' + '0'.repeat(40),
];
/** Values only UTF-16 text can hold: other scripts' digits, fullwidth digits, an ideographic space. */
const UNICODE_VALUES = ['٤', '４', '\u30004', '\u20284', '\u{1d7dc}', '4\u0301'];

const SECTIONS = ['Client', 'client', 'CLIENT', 'Other', 'KMS', 'Security', 'Mxclfr4zqvktn', 'Sécurité', 'a]b', 'x'];
/** Names that differ from another only in non-ASCII case, in Windows-1252 (ANSI files can hold them). */
const ANSI_CASE_SECTIONS = ['É', 'é', 'SÉCURITÉ', 'sécurité', 'Š', 'š', 'Ÿ', 'ÿ', 'ß', 'Ä', 'ä'];
/** And in UTF-16 only: KELVIN SIGN and k, long s and s, dotted and dotless i, Greek. */
const UNICODE_CASE_SECTIONS = ['\u212a', 'k', 'K', '\u017f', 's', 'S', '\u0130', 'i', '\u0131', 'I', 'Ω', 'ω', 'Ａ', 'ａ'];
const HEADER_FORMS = [
  (n: string) => `[${n}]`,
  (n: string) => `[${n}]`,
  (n: string) => ` \t[${n}] `,
  (n: string) => `[ ${n} ]`,
  (n: string) => `[\t${n}\x0b]`,
  (n: string) => `[${n}] trailing`,
  (n: string) => `[${n}]]`,
  (n: string) => `[${n}]x]`,
  (n: string) => `[${n}] ]`,
  (n: string) => `[${n}`,
  (n: string) => `[${n}   `,
  (n: string) => ` [ ${n}`,
  (n: string) => `[${n} = 4`,
  (n: string) => `[[${n}]`,
  (n: string) => `[a[${n}]`,
  (n: string) => `[${n}[]`,
  (n: string) => `[${n}\0]`,
  (n: string) => `[${n} \0]`,
  (n: string) => `[${n}\t\0x]`,
  (n: string) => `[\0${n}]`,
  (n: string) => `[ ${n}\0 x]`,
  () => '[]',
  () => '[ ]',
  () => '[',
  (n: string) => `;[${n}]`,
];
/** Another spelling of a section name, for a header that repeats an earlier one. */
const RESPELL = [
  (n: string) => n.toLowerCase(),
  (n: string) => n.toUpperCase(),
  (n: string) => n,
  (n: string) => ` ${n}\t`,
  (n: string) => `${n}\0`,
  (n: string) => `${n} \0`,
];

const FILLER = [
  'DisplayName = John Doe',
  'Alias=jdoe',
  'DN = /o=Org/ou=Site/cn=Recipients/cn=jdoe',
  'Name = José Müller – “quoted”',
  '; a comment',
  '  ;State = 4',
  ';NumSCerts = 1',
  '#State = 9',
  '# NumSCerts = 0',
  'State',
  'NumSCerts',
  ' = 4',
  '=',
  'Certificate = MIIB' + 'QUJD'.repeat(40),
  'Empty =',
  'NoEquals here',
  '[Broken',
  '',
];

/** Keys with NULs and blanks around the name. */
const NUL_KEY_FORMS = [(k: string) => `${k}\0x`, (k: string) => `${k} \0`, (k: string) => `\0${k}`, (k: string) => `${k}\0 `];

/** Values at and past the 65,536-character wrap, each starting with a digit the wrap may keep. */
function longValue(r: Rand): string {
  const length = pick(r, [65_534, 65_535, 65_536, 65_537, 65_538, 65_536 + 29, 131_072, 131_073]);
  return pick(r, ['1', '4', '0x4', '']).padEnd(length, pick(r, ['x', '0', '4']));
}

function keyLine(r: Rand, key: 'State' | 'NumSCerts', unicode: boolean): string {
  const spellings = unicode && chance(r, 0.1) ? UNICODE_KEY_SPELLINGS[key]! : KEY_SPELLINGS[key]!;
  let spelled = chance(r, 0.6) ? key : pick(r, spellings);
  if (chance(r, 0.03)) spelled = pick(r, NUL_KEY_FORMS)(spelled);
  const value = chance(r, 0.01) ? longValue(r) : unicode && chance(r, 0.05) ? pick(r, UNICODE_VALUES) : pick(r, VALUES);
  if (chance(r, 0.05)) return spelled; // no '='
  const b = () => (chance(r, 0.5) ? '' : pick(r, BLANKS));
  return `${b()}${spelled}${b()}=${b()}${value}${b()}`;
}

function lineEnding(r: Rand, style: string): string {
  if (style === 'mixed') return pick(r, ['\r\n', '\n', '\r', '\r\r\n', '\n\r']);
  return style;
}

/** One record's text, before encoding. */
function recordText(r: Rand, unicode: boolean): string {
  const style = pick(r, ['\r\n', '\r\n', '\n', '\r', 'mixed']);
  const lines: string[] = [];
  if (chance(r, 0.15)) lines.push(keyLine(r, pick(r, ['State', 'NumSCerts'] as const), unicode)); // outside any section
  const sections = 1 + Math.floor(r() * (chance(r, 0.7) ? 1 : 4));
  const caseNames = unicode && chance(r, 0.5) ? UNICODE_CASE_SECTIONS : ANSI_CASE_SECTIONS;
  const names = chance(r, 0.15) ? caseNames : SECTIONS;
  let previous = pick(r, names);
  for (let s = 0; s < sections; s++) {
    // Repeated sections, spelt otherwise: only the first of a name is read, and what counts as one name is the question.
    const name = s > 0 && chance(r, 0.3) ? pick(r, RESPELL)(previous) : pick(r, names);
    previous = name;
    lines.push(pick(r, HEADER_FORMS)(name));
    const n = Math.floor(r() * 7);
    for (let i = 0; i < n; i++) {
      const k = r();
      if (k < 0.3) lines.push(keyLine(r, 'State', unicode));
      else if (k < 0.55) lines.push(keyLine(r, 'NumSCerts', unicode));
      else lines.push(pick(r, FILLER));
    }
  }
  if (chance(r, 0.05)) lines.splice(Math.floor(r() * (lines.length + 1)), 0, 'Long = ' + 'x'.repeat(5_000 + Math.floor(r() * 60_000)));
  if (chance(r, 0.03)) lines.push(`State = ${'4'.repeat(40_000)}`);
  let text = lines.map((l) => l + lineEnding(r, style)).join('');
  if (chance(r, 0.2)) text = text.replace(/(\r\n|\n|\r)$/, '');
  if (chance(r, 0.06)) {
    const at = Math.floor(r() * (text.length + 1));
    text = text.slice(0, at) + '\0' + text.slice(at);
  }
  return text;
}

/** Windows-1252 bytes of text that holds only characters 1252 has (the generator's ANSI pools). */
function ansi(text: string): Buffer {
  const high: Record<string, number> = { '€': 0x80, '‚': 0x82, '–': 0x96, '“': 0x93, '”': 0x94, '…': 0x85, Š: 0x8a, š: 0x9a, Ÿ: 0x9f };
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 0x100 ? c : (high[text[i]!] ?? 0x3f);
  }
  return out;
}

const BOMS = {
  'utf-16le': Buffer.from([0xff, 0xfe]),
  'utf-8': Buffer.from([0xef, 0xbb, 0xbf]),
  'utf-16be': Buffer.from([0xfe, 0xff]),
};

export function generate(seed: number, count: number): GeneratedFile[] {
  const r = rng(seed);
  const files: GeneratedFile[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(r, ['ansi', 'ansi', 'ansi', 'ansi', 'ansi', 'utf-16le', 'utf-16le', 'utf-8', 'utf-16be'] as const);
    const text = recordText(r, kind === 'utf-16le');
    let bytes: Buffer;
    if (kind === 'utf-16le') bytes = Buffer.concat([BOMS['utf-16le'], Buffer.from(text, 'utf16le')]);
    else if (kind === 'utf-8') bytes = Buffer.concat([BOMS['utf-8'], Buffer.from(text, 'utf8')]);
    else if (kind === 'utf-16be') bytes = Buffer.concat([BOMS['utf-16be'], Buffer.from(text, 'utf16le').swap16()]);
    else bytes = ansi(text);
    files.push({ name: `M${seed.toString(36)}x${i.toString().padStart(5, '0')}.ini`, bytes });
  }
  return files;
}

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
const HEADER_FORMS = [
  (n: string) => `[${n}]`,
  (n: string) => `[${n}]`,
  (n: string) => ` \t[${n}] `,
  (n: string) => `[ ${n} ]`,
  (n: string) => `[\t${n}\x0b]`,
  (n: string) => `[${n}] trailing`,
  (n: string) => `[${n}]]`,
  (n: string) => `[${n}`,
  (n: string) => `[[${n}]`,
  () => '[]',
  () => '[ ]',
  (n: string) => `;[${n}]`,
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

function keyLine(r: Rand, key: 'State' | 'NumSCerts', unicode: boolean): string {
  const spellings = unicode && chance(r, 0.1) ? UNICODE_KEY_SPELLINGS[key]! : KEY_SPELLINGS[key]!;
  const spelled = chance(r, 0.6) ? key : pick(r, spellings);
  const value = unicode && chance(r, 0.05) ? pick(r, UNICODE_VALUES) : pick(r, VALUES);
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
  for (let s = 0; s < sections; s++) {
    lines.push(pick(r, HEADER_FORMS)(pick(r, SECTIONS)));
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
  const high: Record<string, number> = { '€': 0x80, '‚': 0x82, '–': 0x96, '“': 0x93, '”': 0x94, '…': 0x85 };
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

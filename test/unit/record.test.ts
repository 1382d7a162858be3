import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMailboxPattern, matchesMailbox, matchingPatterns } from '../../src/records/mailbox.js';
import { buildRecord, diagnose, dnLeaf } from '../../src/records/record.js';
import { expectValid } from '../helpers/contract.js';
import { ansi, utf16 } from '../helpers/db.js';

/** A file's record and diagnosis, as the scan and the changes make them. */
function read(bytes: Buffer, name = 'Mtest.ini') {
  const diagnosis = diagnose(bytes);
  return { record: buildRecord(`/db/${name}`, name, bytes, new Date(0), diagnosis), diagnosis };
}

describe('record fields', () => {
  it('diagnoses the Q198709 condition: State 4 and no NumSCerts', () => {
    const { record } = read(ansi('[Client]\r\nDN = /o=O/ou=S/cn=Recipients/cn=jdoe\r\nState = 4\r\n'));
    expect(record).toMatchObject({
      id: 'Mtest',
      state: 4,
      stateName: 'Recovery',
      numSCerts: null,
      affected: true,
      mailbox: '/o=O/ou=S/cn=Recipients/cn=jdoe',
    });
    expectValid('record', record);
  });

  it('is not affected when NumSCerts is present, even as 0', () => {
    expect(read(ansi('[Client]\nState = 4\nNumSCerts = 0\n')).record).toMatchObject({ numSCerts: 0, affected: false });
  });

  it('treats an empty NumSCerts, or one without "=", as absent, as the API returns the default for both', () => {
    expect(read(ansi('[Client]\nState = 4\nNumSCerts =\n')).record).toMatchObject({ numSCerts: null, affected: true });
    expect(read(ansi('[Client]\nState = 4\nNumSCerts\n')).record).toMatchObject({ numSCerts: null, affected: true });
  });

  it('reads a NumSCerts with no digits as 0, as the API does, with a warning: the record is not affected', () => {
    const { record } = read(ansi('[Client]\nState = 4\nNumSCerts = x\n'));
    expect(record).toMatchObject({ state: 4, numSCerts: 0, affected: false });
    expect(record.warnings.map((w) => w.code)).toEqual(['numscerts-not-number']);
    expectValid('record', record);
  });

  it('reads radix prefixes, signs and wrap-around as the API does', () => {
    expect(read(ansi('[Client]\nState = 0x4\n')).record).toMatchObject({ state: 4, affected: true });
    expect(read(ansi('[Client]\nState = 0b100\n')).record).toMatchObject({ state: 4, affected: true });
    expect(read(ansi('[Client]\nState = 4294967300\n')).record).toMatchObject({ state: 4, affected: true });
    expect(read(ansi('[Client]\nState = 42A9\nNumSCerts = -0x1\n')).record).toMatchObject({ state: 42, numSCerts: -1 });
  });

  it('does not read State where the API never returns it: before any section header', () => {
    expect(read(ansi('State = 4\n[Client]\nAlias = x\n')).record).toMatchObject({ state: null, affected: false });
  });

  it('names only the states the KB names', () => {
    expect(read(ansi('[Client]\nState = 1\n')).record.stateName).toBe('Undefined');
    expect(read(ansi('[Client]\nState = 2\n')).record.stateName).toBeNull();
    expect(read(ansi('[Client]\nNumSCerts = 1\n')).record).toMatchObject({ state: null, stateName: null, affected: false });
  });

  it('reads the first State and flags the record as ambiguous when State repeats', () => {
    const { record } = read(ansi('[Client]\nState = 4\nstate = 1\n'));
    expect(record.state).toBe(4);
    expect(record.warnings.map((w) => w.code)).toEqual(['duplicate-state']);
    expect(record.warnings[0]?.message).toMatch(/lines 2, 3/);
  });

  it('flags State or NumSCerts in more than one section as ambiguous: KMS reads its own section', () => {
    const twoStates = read(ansi('[Client]\nState = 4\n[Other]\nstate = 1\n')).record;
    expect(twoStates.warnings.map((w) => w.code)).toEqual(['duplicate-state', 'ambiguous-section']);
    const numSCerts = read(ansi('[Client]\nState = 4\nNumSCerts = 1\n[Other]\nNumSCerts = 2\n')).record;
    expect(numSCerts).toMatchObject({ numSCerts: 1, affected: false });
    expect(numSCerts.warnings.map((w) => w.code)).toEqual(['ambiguous-section']);
    expect(read(ansi('[Client]\nState = 4\n[Other]\nNumSCerts = 2\n')).record.warnings.map((w) => w.code)).toEqual([]);
  });

  it('reads State under a "[" line with no "]", as Windows does: a stuck user is not missed', () => {
    expect(read(ansi('[Client\r\nState=4\r\n')).record).toMatchObject({ state: 4, affected: true, warnings: [] });
  });

  it('never reads a repeat of a section whose first header had no "]"', () => {
    const { record } = read(ansi('[client   \r\nState=1\r\n[Client]\r\nState=4\r\n'));
    expect(record).toMatchObject({ state: 1, affected: false, warnings: [] });
  });

  it('ends a section name at the first "]": NumSCerts in [Client]] is in [Client]', () => {
    const { record } = read(ansi('[Client]]\r\nState=4\r\n[Client]\r\nNumSCerts=1\r\n'));
    expect(record).toMatchObject({ state: 4, numSCerts: null, affected: true, warnings: [] });
  });

  it('does not read State from a section whose name ends in blanks before a NUL', () => {
    const { record } = read(ansi('[Client \0]\r\nState=4\r\n'));
    expect(record).toMatchObject({ state: null, affected: false });
    expect(record.warnings.map((w) => w.code)).toEqual(['binary']);
  });

  it('reads NumSCerts of exactly 65,536 characters as nothing: the user is stuck', () => {
    const { record } = read(ansi(`[Client]\r\nState = 4\r\nNumSCerts = 1${'x'.repeat(65_535)}\r\n`));
    expect(record).toMatchObject({ state: 4, numSCerts: null, affected: true });
    expect(read(ansi(`[Client]\r\nState = 4\r\nNumSCerts = 1${'x'.repeat(65_536)}\r\n`)).record).toMatchObject({
      numSCerts: 1,
      affected: false,
    });
  });

  describe('names that differ only in non-ASCII case: how Windows compares them is not established, so the record is ambiguous', () => {
    it.each([
      ['[\u00c9] and [\u00e9]', '[\u00c9]\r\nAlias=x\r\n[\u00e9]\r\nState=4\r\n', { state: 4, affected: true }],
      [
        '[\u00e9] and [\u00c9], NumSCerts first',
        '[\u00e9]\r\nNumSCerts=1\r\n[\u00c9]\r\nState=4\r\n',
        { state: 4, numSCerts: 1, affected: false },
      ],
      ['KELVIN SIGN and k', '[k]\r\nAlias=x\r\n[\u212a]\r\nState=4\r\n', { state: 4, affected: true }],
      ['long s and s', '[s]\r\nAlias=x\r\n[\u017f]\r\nState=4\r\n', { state: 4, affected: true }],
      ['a key in long s', '[Client]\r\nState=4\r\nNum\u017fCerts=1\r\n', { state: 4, numSCerts: null, affected: true }],
    ])('%s', (_name, text, fields) => {
      const { record } = read(utf16(text));
      expect(record).toMatchObject(fields);
      expect(record.warnings.map((w) => w.code)).toContain('ambiguous-section');
      expectValid('record', record);
    });

    it('in ANSI files too', () => {
      const { record } = read(Buffer.from('[\xc9]\r\nAlias=x\r\n[\xe9]\r\nState=4\r\n', 'latin1'));
      expect(record).toMatchObject({ state: 4, affected: true });
      expect(record.warnings.map((w) => w.code)).toEqual(['ambiguous-section']);
    });

    it('but not for names that differ in ASCII case only, or not at all beyond it', () => {
      expect(read(utf16('[CLIENT]\r\nAlias=x\r\n[client]\r\nState=4\r\n')).record.warnings).toEqual([]);
      expect(read(utf16('[\u00c9]\r\nState=4\r\n[\u00c8]\r\nAlias=x\r\n')).record.warnings).toEqual([]);
      expect(read(utf16('[\u00e9]\r\nState=4\r\n[\u00e9]\r\nAlias=x\r\n')).record.warnings).toEqual([]);
    });
  });

  it('reads a State with no digits as 0, with a warning', () => {
    const { record } = read(ansi('[Client]\nState = four\n'));
    expect(record.state).toBe(0);
    expect(record.warnings.map((w) => w.code)).toEqual(['state-not-number']);
  });

  it('flags empty files and binary content', () => {
    expect(read(Buffer.alloc(0)).record.warnings.map((w) => w.code)).toEqual(['empty']);
    expect(read(utf16('')).record.warnings.map((w) => w.code)).toEqual(['empty']);
    expect(read(Buffer.from('State = 4\n\0\0\x01', 'latin1')).record.warnings.map((w) => w.code)).toEqual(['binary']);
    expect(read(utf16('State = 4\r\n\0')).record.warnings.map((w) => w.code)).toEqual(['binary']);
  });

  it('reads Windows-1252 and UTF-16LE names alike', () => {
    const text = '[Client]\r\nDisplayName = José Müller – €\r\nState = 1\r\n';
    const a = read(
      Buffer.from([...ansi('[Client]\r\nDisplayName = José Müller '), 0x96, ...ansi(' '), 0x80, ...ansi('\r\nState = 1\r\n')]),
    ).record;
    const u = read(utf16(text)).record;
    expect(a.mailbox).toBe('José Müller – €');
    expect(u.mailbox).toBe('José Müller – €');
    expect(a.encoding).toBe('windows-1252');
    expect(u.encoding).toBe('utf-16le');
  });

  it('prefers a DN-shaped value, then alias-like keys', () => {
    expect(read(ansi('[Client]\nDisplayName = John\nAlias = jdoe\nX = /o=O/cn=jdoe\n')).record).toMatchObject({
      mailbox: '/o=O/cn=jdoe',
      mailboxKey: 'X',
    });
    expect(read(ansi('[Client]\nDisplayName = John\nalias = jdoe\n')).record).toMatchObject({ mailbox: 'jdoe', mailboxKey: 'alias' });
    expect(read(ansi('[Client]\nState = 4\n')).record.mailbox).toBeNull();
  });

  it("gives the mailbox's short name as alias: a DN's leaf cn=, in either form, else the value itself", () => {
    const alias = (text: string) => read(ansi(text)).record.alias;
    expect(alias('[Client]\nDN = /o=O/ou=S/cn=Recipients/cn=jdoe\n')).toBe('jdoe');
    expect(alias('[Client]\nDN = cn=jdoe,ou=S,o=O\n')).toBe('jdoe');
    expect(alias('[Client]\nDisplayName = John Doe\n')).toBe('John Doe');
    expect(alias('[Client]\nState = 4\n')).toBeNull();
  });

  it('finds each record by its alias, as --mailbox matches it (property)', () => {
    const value = fc.oneof(
      fc
        .constantFrom('/o=O/ou=S/cn=Recipients/cn=', 'cn=', '/o=O/cn=', '', 'CN=')
        .chain((head) =>
          fc
            .tuple(
              fc.string({ unit: fc.constantFrom(...'abJ é/=,*?[]xΣ'.split('')), minLength: 1, maxLength: 10 }),
              fc.constantFrom('', ',ou=S,o=O'),
            )
            .map(([leaf, tail]) => head + leaf + (head.startsWith('/') ? '' : tail)),
        ),
    );
    const key = fc.constantFrom('DN', 'Alias', 'DisplayName', 'X', 'cn');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }), (lines) => {
        const bytes = utf16(`[Client]\r\n${lines.map(([k, v]) => `${k} = ${v}`).join('\r\n')}\r\nState = 4\r\n`);
        const { record, diagnosis } = read(bytes);
        expectValid('record', record);
        if (record.mailbox === null) {
          expect(record.alias).toBeNull();
          return;
        }
        // As a pattern, the alias matches itself: its own * and ? match themselves too.
        expect(matchesMailbox(diagnosis.profile, [compileMailboxPattern(record.alias!)])).toBe(true);
        expect(record.alias === record.mailbox || record.alias === dnLeaf(record.mailbox)).toBe(true);
      }),
    );
  });

  // The profile API never returns a key written before any section header, nor a later line of a key.
  it('takes its mailbox only from values the profile API returns', () => {
    expect(read(ansi('Alias = jdoe\n[Client]\nState = 4\n')).record.mailbox).toBeNull();
    expect(read(ansi('[Client]\nAlias =\nAlias = jdoe\n')).record.mailbox).toBeNull();
    expect(read(ansi('[Client]\nAlias = jdoe\nAlias = other\n')).record.mailbox).toBe('jdoe');
  });
});

describe('mailbox patterns', () => {
  // A record's keys are in a section: one written before any header is never returned by the profile API.
  const profile = (text: string) => read(ansi(text.startsWith('[') ? text : `[Client]\n${text}`)).diagnosis.profile;
  const match = (text: string, ...patterns: string[]) => matchesMailbox(profile(text), patterns.map(compileMailboxPattern));

  it('are found all at once as each is alone (property): the patterns that name a record, in their order', () => {
    const text = fc.string({ unit: fc.constantFrom(...'aAjJé/=,*?σΣ'.split('')), maxLength: 6 });
    const line = fc.tuple(fc.constantFrom('DN', 'Alias', 'DisplayName', 'State'), fc.constantFrom('', '/o=O/cn=', 'cn='), text);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 3 }), fc.array(text, { maxLength: 6 }), (lines, written) => {
        const record = profile(lines.map(([k, head, v]) => `${k} = ${head}${v}\n`).join(''));
        const patterns = written.map(compileMailboxPattern);
        const alone = patterns.flatMap((p, i) => (matchesMailbox(record, [p]) ? [i] : []));
        expect(matchingPatterns(record, patterns)).toEqual(alone);
        expect(matchesMailbox(record, patterns)).toBe(alone.length > 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never matches a value the profile API does not return (before any section header)', () => {
    const headerless = read(ansi('Alias = jdoe\n[Client]\nState = 4\n')).diagnosis.profile;
    expect(matchesMailbox(headerless, [compileMailboxPattern('jdoe')])).toBe(false);
    expect(match('[Client]\nAlias = jdoe\n', 'jdoe')).toBe(true);
  });

  it('matches a whole value, not a part of one', () => {
    expect(match('Alias = user3\n', 'user3')).toBe(true);
    expect(match('Alias = user30\n', 'user3')).toBe(false);
    expect(match('Alias = auser3\n', 'user3')).toBe(false);
  });

  it('matches the last cn= of a DN', () => {
    const dn = 'DN = /o=Org/ou=Site/cn=Recipients/cn=jdoe\n';
    expect(match(dn, 'jdoe')).toBe(true);
    expect(match(dn, 'Recipients')).toBe(false);
    expect(match(dn, '/o=Org/ou=Site/cn=Recipients/cn=jdoe')).toBe(true);
    expect(match('DN = cn=jdoe,ou=Site,o=Org\n', 'JDOE')).toBe(true);
  });

  it('is case-insensitive beyond ASCII', () => {
    expect(match('DisplayName = José Müller\n', 'JOSÉ MÜLLER')).toBe(true);
    const greek = read(utf16('[Client]\r\nDisplayName = ΣΟΦΙΑ\r\n')).diagnosis.profile;
    expect(matchesMailbox(greek, [compileMailboxPattern('σοφια')])).toBe(true);
  });

  it('supports * and ? and treats everything else literally', () => {
    expect(match('Alias = user30\n', 'user?0')).toBe(true);
    expect(match('Alias = user30\n', 'us*')).toBe(true);
    expect(match('Alias = user30\n', 'user.0')).toBe(false);
    expect(match('Alias = a+b(c)\n', 'a+b(c)')).toBe(true);
    expect(match("Alias = o'brien-smith\n", "O'Brien-Smith")).toBe(true);
    expect(match('DisplayName = Smith, J. [IT] {x} ^$| #1 & 50% ~/\\\n', 'Smith, J. [IT] {x} ^$| #1 & 50% ~/\\')).toBe(true);
  });

  // A mailbox typed as 4 or 2 (a numeric alias, a typo) must not select every record in State 4, or with two certificates.
  it("never takes the values kmsdb reads as a record's state (State, NumSCerts) for a mailbox", () => {
    const stuck = '[Client]\nAlias = jdoe\nState = 4\nNumSCerts = 2\n';
    expect(match(stuck, '4')).toBe(false);
    expect(match(stuck, '2')).toBe(false);
    expect(match(stuck, '?')).toBe(false);
    expect(match(stuck, 'jdoe')).toBe(true);
  });

  it('matches the values of the keys that name the user, and of no other key (property)', async () => {
    const fc = (await import('fast-check')).default;
    const named = [
      'DistinguishedName',
      'DN',
      'MailboxDN',
      'Mailbox',
      'Alias',
      'MailNickname',
      'DisplayName',
      'CommonName',
      'CN',
      'Name',
      'UserName',
    ];
    const plain = fc.stringMatching(/^[A-Za-z0-9 ._-]{1,12}$/).filter((v) => v.trim() === v && v !== '');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/), plain, fc.boolean(), (key, value, upper) => {
        const isNamed = named.some((k) => k.toLowerCase() === key.toLowerCase());
        const text = `[Client]\n${upper ? key.toUpperCase() : key} = ${value}\n`;
        expect(match(text, value)).toBe(isNamed);
        // A DN under any key names its user.
        expect(match(`[Client]\n${key} = /o=O/cn=Recipients/cn=${value}\n`, value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    for (const key of named) expect(match(`${key} = jdoe\n`, 'jdoe'), key).toBe(true);
  });

  // The profile API returns the first value of a key in the first section of a name: a second Alias line, or a
  // second [Client] section, is never what Windows (or KMS) reads as the record's user.
  it("does not select alice's record for bob through a value the profile API never returns", () => {
    const alice = '[Client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=alice\r\nAlias = alice\r\nState = 4\r\n';
    expect(read(ansi(alice + 'Alias = bob\r\n')).record.mailbox).toBe('/o=Contoso/ou=Site/cn=Recipients/cn=alice');
    expect(match(alice + 'Alias = bob\r\n', 'bob')).toBe(false);
    expect(match(alice + '[client]\r\nAlias = bob\r\n', 'bob')).toBe(false);
    expect(match(alice + '[client]\r\nDN = /o=Contoso/ou=Site/cn=Recipients/cn=bob\r\n', 'bob')).toBe(false);
    expect(match(alice + 'Alias = bob\r\n', 'alice')).toBe(true);
  });

  it('ORs several patterns', () => {
    expect(match('Alias = jdoe\n', 'nobody', 'jdoe')).toBe(true);
    expect(match('Alias = jdoe\n', 'nobody', 'other')).toBe(false);
  });

  it('finds the leaf of X.500 and LDAP DNs only', () => {
    expect(dnLeaf('/o=O/ou=S/cn=Recipients/cn=x')).toBe('x');
    expect(dnLeaf('cn=x,ou=S')).toBe('x');
    expect(dnLeaf('plain cn=x')).toBeNull();
  });
});

describe('record hash', () => {
  it('is the SHA-256 of the exact bytes', async () => {
    const { createHash } = await import('node:crypto');
    const bytes = ansi('State = 4\r\n');
    expect(read(bytes).record.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(read(ansi('State = 4\n')).record.sha256).not.toBe(read(bytes).record.sha256);
  });
});

describe('mailbox patterns, for any text (property)', () => {
  it('compile, and a pattern without wildcards matches exactly its own text', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const literal = text.replace(/[*?]/g, '');
        const pattern = compileMailboxPattern(literal);
        expect(pattern.test(literal)).toBe(true);
        expect(pattern.test(`${literal}x`)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

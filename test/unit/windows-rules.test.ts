import { describe, expect, it } from 'vitest';
import { buildRecord, diagnose } from '../../src/records/record.js';
import { kmsdbReading } from '../oracle/oracle.js';
import { asWindowsReads, WINDOWS_RULES } from '../oracle/windows-rules.js';

describe('each Windows rule, on its fixture', () => {
  it.each(WINDOWS_RULES.map((r) => [r.id, r] as const))(
    '%s: kmsdb reads what Windows returns, and reports the record it documents',
    (_id, rule) => {
      const d = diagnose(rule.fixture.bytes);
      for (const w of rule.fixture.windows) {
        if (w.value === 'not established') continue;
        const expected = w.kmsdb !== undefined ? w.kmsdb : w.value;
        expect(kmsdbReading(d.profile, w.section, w.key).str, `[${w.section}] ${w.key}`).toBe(expected);
      }
      const record = buildRecord('/db/M.ini', 'M.ini', rule.fixture.bytes, null, d);
      expect({
        state: record.state,
        numSCerts: record.numSCerts,
        affected: record.affected,
        warnings: record.warnings.map((w) => w.code),
      }).toEqual(rule.fixture.record);
    },
  );

  it('names its evidence, and says what Windows and wine each do', () => {
    for (const rule of WINDOWS_RULES) {
      expect(rule.evidence.length, rule.id).toBeGreaterThan(0);
      expect(rule.windows && rule.wine, rule.id).toBeTruthy();
    }
    expect(new Set(WINDOWS_RULES.map((r) => r.id)).size).toBe(WINDOWS_RULES.length);
  });
});

describe('the rewrite the oracle reads', () => {
  const ansi = (s: string) => Buffer.from(s, 'latin1');
  it('closes each header at its first "]" and drops the rest of the line', () => {
    expect(asWindowsReads(ansi(' [Client]x]\r\n[Broken \n[ok]\rState=1'))).toEqual(ansi(' [Client]\r\n[Broken]\n[ok]\rState=1'));
  });

  it('cuts a value of 65,536 characters or more to its length modulo 65,536', () => {
    const out = asWindowsReads(ansi(`[C]\nA = 4${'x'.repeat(65_536)}\nB = ${'y'.repeat(65_536)}\n`));
    expect(out.toString('latin1')).toBe('[C]\nA = 4\nB = \n');
  });

  it('leaves comments, key lines and the bytes of an untouched file alone', () => {
    const bytes = Buffer.from([0xff, 0xfe, ...Buffer.from('[C]\r\n;[x\r\nState=4\r\n', 'utf16le'), 0x41]);
    expect(asWindowsReads(bytes)).toBe(bytes);
  });

  it('gives a UTF-8 BOM file as UTF-16LE text holding the BOM as ANSI characters', () => {
    const out = asWindowsReads(ansi('\xef\xbb\xbf[C]\r\n'));
    expect(out.subarray(2).toString('utf16le')).toBe('\u00ef\u00bb\u00bf[C]\r\n');
  });
});
